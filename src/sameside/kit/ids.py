"""Limits on the ids we accept from outside."""

MAX_ID = 2**31 - 1
"""The largest id a row can have (a 32-bit key on PostgreSQL); anything larger is refused as invalid."""
