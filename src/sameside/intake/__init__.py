"""Inbound mail becomes cases: store the raw message first, then thread it, file it, or quarantine it."""
