"""Incidents (P11, be forthcoming): declared with a scope, told to those affected, new contacts linked, resolved.

See docs/incidents.md.
"""
