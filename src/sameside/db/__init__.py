"""Storage: the declarative base, the engine, the unit of work and migrations."""

from sameside.db.base import Base, UTCDateTime
from sameside.db.engine import Database

__all__ = ["Base", "Database", "UTCDateTime"]
