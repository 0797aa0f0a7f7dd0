"""Consults (P4): the owner asks a back-office department inside the case; ownership never moves."""
