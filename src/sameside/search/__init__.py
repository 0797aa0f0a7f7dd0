"""Search over cases: what a query means and how a hit is shown (`rules`), and the SQL on each backend (`queries`).

See docs/search.md.
"""
