"""The one failure a backup or restore reports: a sentence an operator can act on."""

from __future__ import annotations


class BackupError(Exception):
    """Something stopped a backup or a restore; `str(error)` is one line saying what and, where it helps, what to do.

    Raised before anything is changed whenever that can be known in advance
    (a damaged archive, the wrong kind of database, a desk in the way).
    """
