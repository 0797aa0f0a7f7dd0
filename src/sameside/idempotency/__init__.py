"""Idempotency keys: a retried creation answers with the first answer instead of creating twice."""
