"""Repeat contacts and first-contact resolution (P12): the same customer, the same problem, again within a week."""
