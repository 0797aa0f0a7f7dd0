"""What the HTTP adapters (api, web) share: a session per request, who is asking, cookies, errors, middleware."""
