"""Signing in: staff passwords, session cookies, API tokens, customers' magic links."""
