"""Saved replies: answers kept for reuse, with placeholders filled from the case, and agents' signatures."""
