"""Writes to delegation records: the catalogue, statutory holdings, delegations and their rules,
reserved matters, place-based lead arrangements, and importing a scheme of delegation."""

from .core import *  # noqa: F403
from .sord import *  # noqa: F403
