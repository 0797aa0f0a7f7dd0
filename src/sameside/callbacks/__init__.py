"""Callbacks (P1): a customer books a concrete time when a person will call them."""
