"""Webhooks: signed messages to an integrator's receiver when something happens on the desk.

Events are recorded in the transaction of the change (`outbox`), delivered by the worker with retries
(`worker.webhooks`), logged per subscription, paused after persistent failure. See docs/webhooks.md.
"""
