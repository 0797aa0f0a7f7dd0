"""The audit log: every change a staff member's request makes, who, what, when, from where, before and after.

`context` (who is acting, set by the HTTP edge), `recorder` (the flush
listener, and `record` for Core writes), `queries` (the filtered list),
`immutable` (emptying it, for tests and maintenance only). See docs/audit.md.
"""
