"""Reads of delegation records: who may decide what, where and when, and the tables built from that."""

from .maps import *  # noqa: F403
from .rights import *  # noqa: F403
from .sord import *  # noqa: F403
