"""Agents, supervisors, admins; the front-line teams and back-office departments they belong to."""
