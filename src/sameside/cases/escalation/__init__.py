"""Asking for someone senior (P3): it routes back to the owner and their supervisors, never into a new queue."""
