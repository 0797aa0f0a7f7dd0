"""Settings, read from the environment with the prefix `SAMESIDE_`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_database_url() -> str:
    return f"sqlite:///{Path('var') / 'sameside.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAMESIDE_", extra="ignore")

    database_url: str = Field(default_factory=_default_database_url)
    """SQLAlchemy URL. SQLite (the default, a file under ./var/) or
    `postgresql+psycopg://user@host/db`."""

    base_url: str = "http://127.0.0.1:8000"
    """The public address, used in links we hand out (magic sign-in links)."""

    secure_cookies: bool = False
    """Mark cookies `Secure`; turn on when served over HTTPS."""

    session_days: int = 14
    magic_link_minutes: int = 30

    login_attempts_per_window: int = 10
    login_window_seconds: int = 300

    db_pool_size: int = 10
    """Connections per process (PostgreSQL); SQLite uses one per thread."""

    worker_threads: int = 4
    """Threads per process that run request handlers (they share one GIL)."""

    log_sql: bool = False
