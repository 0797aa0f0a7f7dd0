"""Grants and budgets (P5): an agent makes it right at once, within a budget; above it, a supervisor in the case.

Drives cases from above, like consults: the grant is recorded on the case's
timeline, the case stays with its owner, and the customer is never re-queued.
"""
