"""The core aggregate: a case, its timeline, its status machine and who may see it."""
