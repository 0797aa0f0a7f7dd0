"""create_app(settings): mounts the web pages, the API and static files; middleware; no logic."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from sameside import __version__, wiring
from sameside.api import openapi
from sameside.api.routes import router as api_router
from sameside.auth import service as auth_service
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.db.probes import Probes
from sameside.http import problems, uploads
from sameside.http.disk import FreeSpace, RefuseWritesWhenDiskLow
from sameside.http.failures import Failures
from sameside.http.health import PROBE_TIMEOUT, HealthChecks
from sameside.http.health import router as health_router
from sameside.http.limits import Doorman
from sameside.http.metrics import router as metrics_router
from sameside.http.middleware import LimitBody, SecurityHeaders
from sameside.http.observe import Observe
from sameside.kit.ratelimit import RateLimiter
from sameside.live.hub import Hub
from sameside.live.socket import router as live_router
from sameside.monitoring.metrics import Exposition
from sameside.web import errors as page_errors
from sameside.web.back_office import router as back_office_router
from sameside.web.chat import ChatLimits
from sameside.web.chat import router as chat_router
from sameside.web.chats import router as chats_router
from sameside.web.coach import router as coach_router
from sameside.web.desk import router as desk_router
from sameside.web.knowledge import router as knowledge_router
from sameside.web.notifications import router as notifications_router
from sameside.web.offers import router as offers_router
from sameside.web.portal import PORTAL_REQUESTS_PER_HOUR
from sameside.web.portal import router as portal_router
from sameside.web.portal_offers import router as portal_offers_router
from sameside.web.remedies import router as remedies_router
from sameside.web.reports import router as reports_router
from sameside.web.routes import router as web_router
from sameside.web.team import router as team_router

API_DESCRIPTION = """
The case desk of Sameside. Staff authenticate with an API token
(`Authorization: Bearer …`, create one on the front page or with
`sameside token create EMAIL`) or a session cookie from `POST /auth/sign-in`
(then echo `X-CSRF-Token` on writes). Customers sign in by magic link.

Errors are RFC 9457 `application/problem+json`. Lists page by `cursor`.
"""


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    database = database or Database(
        settings.database_url,
        echo=settings.log_sql,
        pool_size=settings.db_pool_size,
        lock_timeout=settings.db_lock_timeout_seconds,
        statement_timeout=settings.db_statement_timeout_seconds,
        pool_timeout=settings.db_pool_timeout_seconds,
    )
    wiring.wire(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Few threads, not anyio's default 40: request work is short and
        # CPU-bound under one GIL, and a crowd of threads only makes the one
        # holding SQLite's write lock wait longer for its turn.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        database.start_checkpointer()
        with database.unit_of_work() as session:
            app.state.link_key = auth_service.instance_key(session, "link-signing", configured=settings.secret_key)
        try:
            async with app.state.hub.run():
                wiring.use_hub(app.state.hub)
                yield
        finally:
            app.state.health.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Sameside API",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.doorman = Doorman(settings)
    app.state.blobs = wiring.blob_store(settings)
    app.state.hub = Hub(settings.redis_url)
    app.state.callback_policy = wiring.callback_policy(settings, database)
    app.state.chat_limits = ChatLimits()
    app.state.portal_requests = RateLimiter(PORTAL_REQUESTS_PER_HOUR, 3600)
    app.state.intake = functools.cache(lambda: wiring.intake(database, settings))
    folders = [settings.data_dir] + (
        [Path(database.url.database).parent] if database.is_sqlite and database.url.database else []
    )
    space = FreeSpace(folders, settings.disk_min_free_mb)
    app.state.health = HealthChecks(Probes(database.url, PROBE_TIMEOUT), space)
    app.state.metrics = Exposition(database)

    problems.install(app)
    app.include_router(health_router)
    app.include_router(metrics_router)
    page_errors.install(app)  # pages answer with pages; the API keeps problem+json
    app.include_router(api_router)
    app.include_router(web_router)
    app.include_router(desk_router)
    app.include_router(back_office_router)
    app.include_router(notifications_router)
    app.include_router(team_router)
    app.include_router(reports_router)
    app.include_router(portal_router)
    app.include_router(knowledge_router)
    app.include_router(coach_router)
    app.include_router(offers_router)
    app.include_router(portal_offers_router)
    app.include_router(remedies_router)
    app.include_router(live_router)
    app.include_router(chat_router)
    app.include_router(chats_router)
    # The more specific mount first: Starlette takes the first that matches.
    app.mount("/static/docs", StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"), name="docs")
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "web" / "static"), name="static")
    openapi.install(app)
    _docs(app)

    @app.get("/api/v1/ping", include_in_schema=False)
    async def ping() -> dict[str, str]:
        """Does nothing: the framework's ceiling, measured beside real routes by the benchmark."""
        return {"pong": "ok"}

    app.add_middleware(Failures)  # innermost: it answers before Starlette's last resort drops the connection
    app.add_middleware(SecurityHeaders)
    app.add_middleware(LimitBody, uploads=uploads.body_limit(settings))
    app.add_middleware(RefuseWritesWhenDiskLow, space=space)  # a refused write reads nothing
    app.add_middleware(Observe)  # outermost: every answer has its request id and is counted, refusals too
    return app


def _docs(app: FastAPI) -> None:
    """Swagger UI from files we serve (no CDN), with its one inline script allowed by hash."""
    page = get_swagger_ui_html(
        openapi_url="/api/v1/openapi.json",
        title="Sameside API",
        swagger_js_url="/static/docs/swagger-ui-bundle.js",
        swagger_css_url="/static/docs/swagger-ui.css",
        swagger_favicon_url="/static/docs/favicon.png",
        swagger_ui_parameters={"persistAuthorization": True},
    )
    body = bytes(page.body).decode().replace("<html>", '<html lang="en">', 1)
    scripts = re.findall(r"<script>(.*?)</script>", body, flags=re.S)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts)
    csp = (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'"
    )

    @app.get("/api/v1/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(body, headers={"Content-Security-Policy": csp})


def app_from_env() -> FastAPI:
    """The factory `sameside serve` hands to uvicorn."""
    return create_app()
