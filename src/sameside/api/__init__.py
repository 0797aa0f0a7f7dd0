"""The JSON API, v1: routers mirror the domains and call the same services the pages do."""
