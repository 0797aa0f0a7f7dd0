"""Settings, read from the environment with the prefix `SAMESIDE_`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_database_url() -> str:
    return f"sqlite:///{Path('var') / 'sameside.db'}"


class ImapMailbox(BaseModel):
    """An existing mailbox the IMAP poller empties into the desk."""

    name: str
    """A stable name for it here (it keys what was already taken)."""
    host: str
    port: int = 993
    ssl: bool = True
    username: str
    password: str
    folder: str = "INBOX"
    team: str | None = None
    """The slug of the team its mail goes to."""
    after: str = "seen"
    """What to do with a message once it is safely stored: `seen` (flag it), `delete`, or `move:FOLDER`."""


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

    db_lock_timeout_seconds: float = Field(default=5.0, gt=0)
    """How long a statement waits for another session's lock before the request is answered 503 (PostgreSQL)."""

    db_statement_timeout_seconds: float = Field(default=30.0, gt=0)
    """The longest a statement may run before it is cancelled and the request answered 503 (PostgreSQL)."""

    db_pool_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long a request waits for a free database connection before it is answered 503."""

    worker_threads: int = 4
    """Threads per process that run request handlers (they share one GIL)."""

    http_header_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long a client may take to send a request's line and headers; past it, 408 and the connection closes."""

    http_body_timeout_seconds: float = Field(default=30.0, gt=0)
    """The longest silence between two reads of a request body; past it, 408 and the connection closes."""

    http_max_header_bytes: int = Field(default=32 * 1024, ge=1024)
    """The largest request line plus headers taken; a larger one is answered 431 and the connection closed."""

    http_max_connections: int = Field(default=10_000, ge=1)
    """Connections one server process serves at once (lowered to fit its open-file limit); past it, 503."""

    disk_min_free_mb: int = Field(default=100, ge=0)
    """Below this much free space where data is kept, writes are refused with 503 and `/readyz` says why."""

    log_sql: bool = False

    log_format: Literal["text", "json"] = "text"
    """How `sameside serve` and `sameside worker` write their log: `text` for people, or `json`, one object a
    line (time, level, logger, message, request_id) for a log collector. `--log-format` overrides it."""

    metrics_token: str | None = None
    """A bearer token that opens `/metrics` from anywhere (`Authorization: Bearer …`). Unset: only the
    private networks below may scrape."""
    metrics_private_networks: bool = True
    """Serve `/metrics` without a token to loopback and private addresses (10/8, 172.16/12, 192.168/16, fc00::/7),
    when every address a proxy forwarded is private too."""

    redis_url: str | None = None
    """With several server processes: Redis for live updates across them (in-process when unset)."""

    tier_cap_minutes: int = 60
    """The most waiting time a customer's tier may be worth in the fair queue (P9)."""

    reply_target_hours: int = 8
    """How soon a customer should hear from a person; 'Due soon' lists cases within two hours of it."""

    service_level_warn_minutes: int = Field(default=30, ge=1, le=24 * 60)
    """How long before a service-level target falls due its case's owner and team supervisors are warned."""

    business_hours: str = "Mon-Fri 09:00-17:00"
    """When people answer: callbacks are offered only then (`Mon-Thu 09:00-17:00; Fri 09:00-13:00`)."""
    business_timezone: str = "UTC"
    callback_minutes: int = 30

    support_phone: str | None = None
    """A number where customers reach a person; shown on every portal page (P1)."""
    support_chat_url: str | None = None
    """A page of your site that carries the live chat widget: acknowledgements offer it as a way to reach a person."""
    chat_greeting: str = Field(
        default="Hello! Ask us anything: a person from our team reads every message.", max_length=300
    )
    """The first words of the chat widget, in your company's voice."""

    default_team: str | None = None
    """The slug of the team new cases go to when their channel or address names none; `sameside init` stores it
    (an admin changes it later through `/api/v1/channel-teams`). Unset and none stored: they wait in "Needs a team"."""

    data_dir: Path = Path("var")
    """Where files live: attachments under `blobs/`, content-addressed."""

    attachment_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024)
    """The largest file anyone may attach (an agent, a customer, a visitor, the API); bigger ones are refused."""
    attachments_per_message: int = Field(default=10, ge=1, le=100)
    """How many files may go with one message or note; those past it are refused, the message still goes."""

    secret_key: str | None = None
    """Signs download links. Unset: a key made once and kept in the database."""

    # Email
    mail_domain: str = "localhost"
    """Our domain in Message-IDs and X-Loop; set it to the domain you send from."""
    mail_from: str = "support@localhost"
    """The address replies come from when the case's team has none of its own."""
    mail_from_name: str = "Support"
    mail_max_bytes: int = 25 * 1024 * 1024
    """The largest message the SMTP listener and importer take (and each attachment's cap)."""
    mail_addresses: list[str] = []
    """Extra addresses the SMTP listener accepts besides the teams' own; none and no team
    addresses means it accepts any recipient."""
    mail_acknowledge: bool = True
    """Send an automatic acknowledgement, with the honest expected wait, when mail opens a case."""
    mail_automatic_per_hour: int = 3
    """At most this many automatic messages to one address per hour (loop protection)."""
    mail_authserv_id: str | None = None
    """The authserv-id of the server that receives our mail (RFC 8601): its `Authentication-Results` decide
    whether a sender is who their From says. A message failing DMARC then never joins a case. Unset: unchecked."""

    mail_transport: Literal["smtp", "console"] | None = None
    """How `sameside worker` sends mail: `smtp` through the relay below, or `console`, which prints each
    message instead and counts it sent (development). Unset: `smtp` when `smtp_host` is set, else `console`."""

    smtp_host: str | None = None
    """The relay outgoing mail is handed to. Unset: no relay, mail is printed (see `mail_transport`)."""
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout: float = 30.0

    imap_mailboxes: list[ImapMailbox] = []
    """JSON list of mailboxes for `sameside imap`."""
    imap_poll_seconds: float = 30.0

    worker_poll_seconds: float = 1.0
    worker_lease_seconds: int = 300
    """How long a job may run before another worker may take it over (its worker is presumed dead)."""

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"
