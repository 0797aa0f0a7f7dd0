"""The `sameside` command."""
