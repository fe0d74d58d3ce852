"""Functions, delegations, reserved matters and place-based lead arrangements."""
