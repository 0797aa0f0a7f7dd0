"""Feedback (P15): everyone owns the customer — compliments and complaints reach whom they concern."""
