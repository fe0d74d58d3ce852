"""Governance bodies, seats, meetings and decisions (built on the organisations registry)."""
