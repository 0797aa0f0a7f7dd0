"""The transactional outbox: side effects are rows committed with the change that causes them."""
