"""Phone calls (P1): cases opened for callers, and every call on a case written down, booked callbacks' too."""
