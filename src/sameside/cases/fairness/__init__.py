"""A fair queue (P9): who is served next, and whether customer tiers wait alike."""
