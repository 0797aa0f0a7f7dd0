"""Domain-free helpers: the clock, ids and tokens, pagination cursors, errors, events."""
