"""Service levels: targets per team and priority in business hours, the next due time on each case (P1)."""
