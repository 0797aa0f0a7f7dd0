"""The background worker: claims jobs from the queue and runs them, and runs the periodic chores."""
