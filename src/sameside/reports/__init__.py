"""The headline figures (PRODUCT.md): kept by day and team in rollups, read over a period for the reports page."""
