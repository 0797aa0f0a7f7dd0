"""The contact policy (P10, respect their time): essential messages always go; the rest are capped per customer."""
