"""Customers, their identities (emails, phones, chat sessions), organizations and preferences."""
