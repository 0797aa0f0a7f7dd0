"""Merged, linked and split cases: a duplicate closed into another, related cases, a message made its own case."""
