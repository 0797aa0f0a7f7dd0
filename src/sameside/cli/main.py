"""`sameside`: set up, serve, and look after a Sameside installation."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from sameside import __version__
from sameside.auth import service as auth
from sameside.cli import backups
from sameside.config import Settings
from sameside.customers.queries import customer_by_email
from sameside.db import migrate
from sameside.db.engine import Database
from sameside.kit.actors import Role, SystemActor
from sameside.kit.errors import DomainError
from sameside.kit.logs import LogFormat
from sameside.staff import queries as staff_queries
from sameside.staff import service as staff_service

app = typer.Typer(
    help="Sameside — the help desk that plays on the customer's side.", no_args_is_help=True, add_completion=False
)
user_app = typer.Typer(help="Manage staff accounts.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
backups.register(app)

err = Console(stderr=True)
SYSTEM = SystemActor("cli")


def _database(*, initialised: bool = True) -> Database:
    """The configured database; unless told otherwise, insist that `sameside init` has run."""
    settings = Settings()
    database = Database(settings.database_url, pool_size=2)
    if initialised and migrate.current_revision(database) is None:
        _fail("The database is not set up yet: run `sameside init` first.")
    return database


def _fail(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(1)


@app.command()
def init(
    default_team: Annotated[
        str | None, typer.Option(help="Slug of the team new cases go to when their channel names none.")
    ] = None,
) -> None:
    """Create the database, or migrate it to the newest schema; with a default team, every case has a home."""
    database = _database(initialised=False)
    migrate.upgrade(database)
    err.print(
        f"[green]Database ready[/] at {database.url.render_as_string(hide_password=True)} "
        f"(revision {migrate.current_revision(database)})."
    )
    _embed_stale_articles(database)
    _home_every_case(database, default_team or Settings().default_team)
    _seed_business(database, Settings())


def _seed_business(database: Database, settings: Settings) -> None:
    """Store the environment's business settings (hours, phone, promises, name) once, for the admin centre."""
    from sameside.business import service as business

    business.configure(settings)
    try:
        with database.unit_of_work() as session:
            if business.seed(session, SYSTEM):
                err.print(
                    "Business hours, phone and promises stored from the environment: change them in the admin "
                    "centre (/desk/admin/business) from now on.",
                    soft_wrap=True,
                )
    except DomainError as error:
        _fail(error.detail)


def _home_every_case(database: Database, slug: str | None) -> None:
    """Store the default team (SAMESIDE_DEFAULT_TEAM or --default-team), making the team if need be."""
    from sqlalchemy import select

    from sameside.cases.routing import homes
    from sameside.staff.models import Team

    try:
        with database.unit_of_work() as session:
            if slug:
                team = session.scalar(select(Team).where(Team.slug == slug)) or staff_service.create_team(
                    session, SYSTEM, slug=slug, name=slug.replace("-", " ").capitalize()
                )
                homes.set_home(session, SYSTEM, homes.DEFAULT, team)
                err.print(f"New cases with no team of their own go to [bold]{team.name}[/] ({team.slug}).")
            elif homes.DEFAULT not in homes.homes(session):
                err.print(
                    "[yellow]No default team[/]: cases from a channel with no team wait in “Needs a team”. "
                    "Set one with `sameside init --default-team support` (or SAMESIDE_DEFAULT_TEAM).",
                    soft_wrap=True,
                )
    except DomainError as error:
        _fail(error.detail)


def _embed_stale_articles(database: Database) -> None:
    """Knowledge articles embedded by an older model get the current model's vectors, once (a second or so)."""
    from sameside.knowledge import embedding, service

    with database.unit_of_work() as session:
        count = service.refresh_vectors(session)
    if count:
        err.print(f"Embedded {count} knowledge article(s) again with {embedding.MODEL}.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes.")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
    smtp_port: Annotated[int | None, typer.Option(help="Also take inbound mail over SMTP on this port.")] = None,
    log_format: Annotated[
        LogFormat | None, typer.Option(help="`text` for people, `json` for a log collector (SAMESIDE_LOG_FORMAT).")
    ] = None,
) -> None:
    """Serve the web pages and the API (and, with --smtp-port, inbound mail)."""
    from sameside.monitoring import processes

    # Before prometheus_client loads anywhere: every server process then counts into one shared folder.
    processes.share(Settings().data_dir, clean=True)
    import uvicorn

    _database().dispose()  # a clear word, not a traceback, when `sameside init` has not run
    # The links the app hands out follow the port it serves on, unless the public address is set.
    base_url = _base_url(Settings(), host, port)
    os.environ[BASE_URL_VARIABLE] = base_url
    listener = _smtp_listener(host, smtp_port) if smtp_port else None
    if listener is not None:
        listener.start()
        err.print(f"[green]Taking mail[/] over SMTP on {host}:{smtp_port}.")
    err.print(f"[bold]Serving Sameside at {base_url}[/] (listening on {host}:{port}).", soft_wrap=True)
    try:
        _serve_http(uvicorn, host, port, workers, access_log, log_format or Settings().log_format)
    finally:
        if listener is not None:
            listener.stop()


BASE_URL_VARIABLE = "SAMESIDE_BASE_URL"
WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}  # noqa: S104 - names, not a bind


def _base_url(settings: Settings, host: str | None, port: int | None) -> str:
    """The address links point at: SAMESIDE_BASE_URL when set, else the host and port being served.

    A server listening on every address is reached on this machine at the loopback one.
    """
    if "base_url" in settings.model_fields_set or (host is None and port is None):
        return settings.base_url.rstrip("/")
    name = host if host is not None else "127.0.0.1"
    name = WILDCARDS.get(name, f"[{name}]" if ":" in name and not name.startswith("[") else name)
    return f"http://{name}:{port if port is not None else 8000}"


def _serve_http(uvicorn: Any, host: str, port: int, workers: int, access_log: bool, log_format: LogFormat) -> None:
    """uvicorn with our protocol, which bounds header and body time, header size and connections (`http.server`)."""
    from sameside.http.server import GuardedHttpProtocol, raise_open_file_limit
    from sameside.kit import logs

    raise_open_file_limit()  # before the workers start: they inherit it
    uvicorn.run(
        "sameside.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level="info",
        log_config=logs.uvicorn_config(log_format),
        server_header=False,
        http=GuardedHttpProtocol,
    )


def _smtp_listener(host: str, port: int) -> Any:
    from sameside import wiring
    from sameside.mailboxes.smtp import SmtpListener

    settings = Settings()
    database = _database()
    wiring.wire(settings)
    return SmtpListener(settings, wiring.intake(database, settings), host=host, port=port)


@app.command()
def smtp(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 2525,
) -> None:
    """Take inbound mail over SMTP: stored before we answer 250, then filed into cases."""
    import signal
    import threading

    listener = _smtp_listener(host, port)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    listener.start()
    err.print(f"[green]Taking mail[/] over SMTP on {host}:{port}.")
    stop.wait()
    listener.stop()


@app.command()
def worker(
    log_format: Annotated[
        LogFormat | None, typer.Option(help="`text` for people, `json` for a log collector (SAMESIDE_LOG_FORMAT).")
    ] = None,
) -> None:
    """Run queued jobs (mail delivery) and the periodic chores, until stopped (run one or several)."""
    from sameside.kit import logs
    from sameside.monitoring import processes

    settings = Settings()
    processes.share(settings.data_dir, clean=False)  # the server's figures and the workers' add up
    from sameside import wiring
    from sameside.worker.loop import Worker
    from sameside.worker.transport import ConsoleTransport, transport_from

    logs.configure(log_format or settings.log_format)
    database = _database()
    wiring.wire(settings)
    try:
        transport = transport_from(settings)
    except ValueError as exc:
        _fail(str(exc))
    if isinstance(transport, ConsoleTransport):
        err.print(
            "[yellow]Mail is printed here, not sent[/] (the console transport: "
            "set SAMESIDE_SMTP_HOST to deliver through a relay)."
        )
    Worker(database, settings, wiring.intake(database, settings), transport=transport).run()


@app.command()
def imap(
    once: Annotated[bool, typer.Option(help="Poll each mailbox once, then stop.")] = False,
) -> None:
    """Take mail from the IMAP mailboxes kept in the admin centre (and in SAMESIDE_IMAP_MAILBOXES) into cases."""
    from sameside import wiring
    from sameside.kit import logs
    from sameside.mailboxes.imap import ImapPoller

    settings = Settings()
    logs.configure(settings.log_format)
    database = _database()
    wiring.wire(settings)
    poller = ImapPoller(
        wiring.intake(database, settings), settings.imap_mailboxes, stored=True, max_bytes=settings.mail_max_bytes
    )
    if not poller.current():
        if once:
            _fail("No mailboxes: add one in the admin centre (Channels), or set SAMESIDE_IMAP_MAILBOXES.")
        err.print("[yellow]No mailboxes yet[/]: polling starts as soon as an admin adds one (Admin centre → Channels).")
    if once:
        for line in poller.poll_all():
            err.print(line)
        return
    poller.run_forever(settings.imap_poll_seconds)


@app.command("import-mail")
def import_mail(
    paths: Annotated[list[Path], typer.Argument(help=".eml files, folders of them, or mbox archives.")],
) -> None:
    """Import mail from files into cases, as if it had just arrived."""
    from sameside import wiring
    from sameside.mailboxes.files import import_paths

    settings = Settings()
    database = _database()
    wiring.wire(settings)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        _fail(f"No such file or folder: {', '.join(missing)}")
    import_paths(wiring.intake(database, settings), paths, max_bytes=settings.mail_max_bytes, console=err)


@user_app.command("add")
def user_add(
    email: str,
    role: Annotated[Role, typer.Option(help="agent, supervisor or admin.")] = Role.AGENT,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    team: Annotated[str | None, typer.Option(help="Team slug.")] = None,
    department: Annotated[str | None, typer.Option(help="Department slug (back-office member).")] = None,
    password: Annotated[str | None, typer.Option(help="Password; omit for token-only accounts.")] = None,
) -> None:
    """Add a staff member."""
    database = _database()
    try:
        with database.unit_of_work() as session:
            team_id = staff_queries.team_by_slug(session, team).id if team else None
            department_id = None
            if department:
                match = [d for d in staff_queries.list_departments(session) if d.slug == department]
                if not match:
                    _fail(f"There is no department {department!r}.")
                department_id = match[0].id
            staff = staff_service.add_staff(
                session,
                SYSTEM,
                email=email,
                name=name or email.split("@", maxsplit=1)[0],
                role=role,
                team_id=team_id,
                department_id=department_id,
                password=password,
            )
            err.print(f"Added {staff.email} as {staff.role.value} (id {staff.id}).")
    except DomainError as error:
        _fail(error.detail)


@token_app.command("create")
def token_create(
    email: str,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
) -> None:
    """Create an API token for a staff member and print it alone on stdout."""
    database = _database()
    try:
        with database.unit_of_work() as session:
            staff = staff_queries.staff_by_email(session, email)
            if staff is None:
                _fail(f"There is no staff member {email}.")
            _, plaintext = auth.create_api_token(session, SYSTEM, staff, name)
    except DomainError as error:
        _fail(error.detail)
    sys.stdout.write(plaintext + "\n")


@app.command("login-link")
def login_link(email: str) -> None:
    """Print a customer's magic sign-in link alone on stdout, to send by hand."""
    settings = Settings()
    database = _database()
    with database.unit_of_work() as session:
        customer = customer_by_email(session, email)
        if customer is None:
            _fail(f"There is no customer with the address {email}.")
        token = auth.issue_magic_link(session, customer, minutes=settings.magic_link_minutes)
    sys.stdout.write(f"{settings.base_url}/auth/magic?token={token}\n")


@app.command()
def demo(
    cases: Annotated[int, typer.Option(help="How many cases to create.")] = 240,
    seed: Annotated[int, typer.Option(help="Random seed, for the same demo every time.")] = 7,
    once: Annotated[bool, typer.Option(help="Do nothing if the demo was seeded already.")] = False,
    host: Annotated[str | None, typer.Option(help="The address `serve` will listen on (for the links).")] = None,
    port: Annotated[int | None, typer.Option(help="The port `serve` will listen on (for the links).")] = None,
) -> None:
    """Fill the database with a believable demo, then say how to sign in to it, one account per role."""
    from sameside import wiring  # noqa: F401  (registers every task: the demo's replies enqueue mail)
    from sameside.demo import seed as demo_data
    from sameside.demo.sign_ins import sign_in_sheet

    settings = Settings()
    base_url = _base_url(settings, host, port)
    database = _database(initialised=False)
    migrate.upgrade(database)
    with database.unit_of_work() as session:
        if once and demo_data.already_seeded(session):
            err.print("Demo data is already there (seeded once; delete ./var to start over).")
        else:
            err.print(demo_data.seed_demo(session, cases=cases, seed=seed))
    with database.unit_of_work() as session:
        sheet = sign_in_sheet(session, base_url)
    err.print(sheet, soft_wrap=True, markup=False, highlight=False)


@app.command()
def version() -> None:
    """Print the version."""
    sys.stdout.write(f"sameside {__version__}\n")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
