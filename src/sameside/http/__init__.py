"""What the HTTP adapters (api, web) share.

A session per request, who is asking, cookies, limits, errors, middleware.
"""
