"""Server-rendered pages. For now: the front door (what is here, sign in) and the magic-link landing."""
