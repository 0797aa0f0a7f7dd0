"""Live updates: the hub that fans committed changes out to open pages, and the socket pages listen on."""
