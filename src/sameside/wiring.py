"""The composition root: subscribes event handlers and picks transports from settings.

Nothing is subscribed yet; live updates (web issue) and mail delivery (email
issue) hook in here.
"""

from __future__ import annotations

_wired = False


def wire() -> None:
    global _wired
    if _wired:
        return
    _wired = True
