"""Sameside: the help desk that plays on the customer's side."""

__version__ = "0.1.0"
