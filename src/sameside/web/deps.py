"""One way for a page to know who is asking, read what they posted, act, and refuse.

A page route declares what it needs and gets it, or never runs:

    def case_page(request: Request, number: CaseNumber, agent: DeskAgent, session: PageSession) -> Response

`DeskAgent` is the signed-in staff member (strangers are sent to sign in,
customers are refused); `PortalCustomer` the signed-in customer (strangers
see the sign-in page, staff go to the desk). Who is asking is resolved once
per request, on the page's own read session, and `page()` reuses it.

`Form` reads a posted form once, within a size and field limit; `act()` checks
its CSRF token, runs the change in its own write transaction and, when the
change is refused, draws the page again where the person acted, with the
error and what they typed. Refusals raised before a route runs (sign in
first, not for you, a case that is not there) are drawn by `web.errors`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Literal
from urllib.parse import parse_qs

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from sameside.attachments.rules import Upload
from sameside.auth import service as auth
from sameside.customers.queries import customer_for
from sameside.db.engine import Session
from sameside.http import acting, uploads
from sameside.http.deps import SESSION_COOKIE, ReadSession, database
from sameside.http.offload import offload
from sameside.kit.actors import CustomerActor, StaffActor
from sameside.kit.errors import DomainError
from sameside.kit.secrets import same
from sameside.staff.queries import get_staff

PageSession = ReadSession
"""The page's read-only unit of work; it ends (a rollback) right after the route returns."""

FORM_LIMIT = 512 * 1024  # a long reply, pasted logs: well within the body limit
FORM_FIELDS = 20
EXPIRED = "This form has expired; please try again."


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a page: nobody, a staff member or a customer, with their name and CSRF token."""

    actor: StaffActor | CustomerActor | None
    name: str | None = None
    csrf: str | None = None


@dataclass(frozen=True)
class Agent:
    """A staff member at the desk."""

    actor: StaffActor
    name: str
    csrf: str


@dataclass(frozen=True)
class Customer:
    """A customer in the portal."""

    actor: CustomerActor
    name: str
    csrf: str


class SignInFirst(Exception):
    """Nobody is signed in; `web.errors` sends them to sign in, then back to `next`."""

    def __init__(self, area: Literal["desk", "portal"], next_path: str) -> None:
        self.area = area
        self.next_path = next_path


class NotForYou(Exception):
    """Signed in, but as the other kind of person: staff in the portal, a customer at the desk."""

    def __init__(self, area: Literal["desk", "portal"]) -> None:
        self.area = area


_VIEWER = "sameside_viewer"


def viewer_of(request: Request, session: Session | None = None) -> Viewer:
    """Who is asking, by their session cookie; resolved once per request and kept on it."""
    known: Viewer | None = getattr(request.state, _VIEWER, None)
    if known is not None:
        return known
    # Before the page reads anything: a live page asks to be told of changes published since (`live.socket`).
    request.state.sameside_began_ms = int(time.time() * 1000)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        viewer = Viewer(None)
    elif session is not None:
        viewer = _resolve(session, token)
    else:
        with database(request).unit_of_work(write=False) as own:
            viewer = _resolve(own, token)
    setattr(request.state, _VIEWER, viewer)
    acting.note(request, viewer.actor, "desk")  # a route that asks itself, then writes, is seen by the audit log
    return viewer


def _resolve(session: Session, token: str) -> Viewer:
    resolved = auth.resolve_session(session, token)
    if resolved is None:
        return Viewer(None)
    if isinstance(resolved.actor, StaffActor):
        name = get_staff(session, resolved.actor.staff_id).name
    else:
        name = customer_for(session, resolved.actor, resolved.actor.customer_id).name
    return Viewer(resolved.actor, name, resolved.csrf_token)


def _signed_in(request: Request, session: Session, area: Literal["desk", "portal"], kind: type) -> Viewer:
    """The viewer, if signed in as `kind`; else the refusal the area gives (sign in first, or not for you)."""
    viewer = viewer_of(request, session)
    if viewer.actor is None:
        raise SignInFirst(area, request.url.path)
    if not isinstance(viewer.actor, kind):
        raise NotForYou(area)
    assert viewer.name is not None and viewer.csrf is not None
    return viewer


@offload
def _resolve_desk_agent(request: Request, session: PageSession) -> Agent:
    viewer = _signed_in(request, session, "desk", StaffActor)
    assert isinstance(viewer.actor, StaffActor) and viewer.name is not None and viewer.csrf is not None
    return Agent(viewer.actor, viewer.name, viewer.csrf)


async def _desk_agent(request: Request, agent: Annotated[Agent, Depends(_resolve_desk_agent)]) -> Agent:
    # Async, on the request's own task (the resolver may have run in a thread): the route's changes are theirs.
    acting.note(request, agent.actor, "desk")
    return agent


@offload
def _portal_customer(request: Request, session: PageSession) -> Customer:
    viewer = _signed_in(request, session, "portal", CustomerActor)
    assert isinstance(viewer.actor, CustomerActor) and viewer.name is not None and viewer.csrf is not None
    return Customer(viewer.actor, viewer.name, viewer.csrf)


DeskAgent = Annotated[Agent, Depends(_desk_agent)]
PortalCustomer = Annotated[Customer, Depends(_portal_customer)]


@dataclass(frozen=True)
class PostedForm:
    """A posted form's fields (the first value of each), or why it could not be read."""

    fields: dict[str, str]
    too_large: bool = False
    every: dict[str, list[str]] = field(default_factory=dict)
    """Every value of each field, for the few forms that send one name many times (bulk selection)."""
    files: list[Upload] = field(default_factory=list)
    """Files sent in the `files` field of a multipart form (`FormWithFiles`), not yet checked."""

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    def get_all(self, name: str) -> list[str]:
        return self.every.get(name, [])


def form_reader(limit: int = FORM_LIMIT, max_fields: int = FORM_FIELDS) -> Callable[[Request], Awaitable[PostedForm]]:
    """A dependency that reads a posted form once; an oversized or over-stuffed one is marked `too_large`."""

    async def read(request: Request) -> PostedForm:
        raw = await request.body()
        if len(raw) > limit:
            return PostedForm({}, too_large=True)
        try:
            parsed = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=max_fields, keep_blank_values=True)
        except ValueError:  # more fields than any of our forms has
            return PostedForm({}, too_large=True)
        return PostedForm({k: v[0] for k, v in parsed.items()}, every=parsed)

    return read


Form = Annotated[PostedForm, Depends(form_reader())]


async def _form_with_files(request: Request) -> PostedForm:
    """A form that may carry files (`enctype="multipart/form-data"`); a plain one is read as `Form` is."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await form_reader()(request)
    limit = uploads.limits(request).max_bytes
    try:
        got = await request.form(max_files=uploads.PARSE_MAX_FILES, max_fields=FORM_FIELDS, max_part_size=FORM_LIMIT)
    except (HTTPException, MultiPartException):  # too many files or fields, or not multipart at all
        return PostedForm({}, too_large=True)
    every: dict[str, list[str]] = {}
    files: list[Upload] = []
    for name, value in got.multi_items():
        if isinstance(value, str):
            every.setdefault(name, []).append(value)
        elif name == uploads.FIELD:
            files.append(await uploads.read(value, limit))
    return PostedForm({k: v[0] for k, v in every.items()}, every=every, files=files)


FormWithFiles = Annotated[PostedForm, Depends(_form_with_files)]

Problem = tuple[int, str]


def refusal_of(form: PostedForm, csrf: str, *, too_large: str = "That is too long to send.") -> Problem | None:
    """The form's own checks, as every page makes them: its size (413), then its CSRF token (403); None when sound.

    `act` makes them before changing anything; a page whose work is no write of its own (a preview, a
    connection test, reprocessing a message) makes them itself, with this."""
    if form.too_large:
        return (413, too_large)
    if not same(form.get("csrf"), csrf):
        return (403, EXPIRED)
    return None


def act(
    request: Request,
    csrf: str,
    form: PostedForm,
    work: Callable[[Session], Response],
    refused: Callable[[Session, Problem], Response],
    *,
    too_large: str = "That is too long to send.",
) -> Response:
    """The one way a page changes something.

    The form's own checks first (size, then the CSRF token), then `work` in
    its own write transaction, committed before the answer is sent. When
    anything refuses, nothing is kept and `refused` draws the page again
    in a fresh read, so the error shows where the person acted, with what
    they typed.
    """
    problem = refusal_of(form, csrf, too_large=too_large)
    if problem is None:
        db = database(request)
        try:
            with db.unit_of_work() as session:
                return work(session)
        except DomainError as error:
            problem = (error.status, error.detail)
    with database(request).unit_of_work(write=False) as session:
        answer = refused(session, problem)
    # Sent by htmx, a refusal changes nothing, so the address bar stays on the page the form was on.
    answer.headers["HX-Push-Url"] = "false"
    return answer


DONE_COOKIE = "sameside_done"
DONE = {
    "reply": "Reply sent.",
    "note": "Note added.",
    "owner": "Owner changed.",
    "took": "This case is yours now.",
    "priority": "Priority changed.",
    "tags": "Tags saved.",
    "status": "Status changed.",
    "transferred": "Transferred, with your brief.",
    "asked": "Your question is with the department.",
    "answered": "Your answer is on the case; its owner is told.",
    "saved": "Saved.",
    "called": "Marked as called.",
    "read": "Marked as read.",
    "bulk": "The chosen cases are updated.",
}
"""What a confirmation says after each kind of change; the cookie carries only the key, never words."""


def go(path: str, *, done: str | None = None) -> Response:
    """After a change: see the result (POST, then redirect, then GET), with a short confirmation of `done`.

    The confirmation rides a one-minute cookie the next page reads and clears,
    so the address stays clean and it works without JavaScript.
    """
    response = RedirectResponse(path, status_code=303)
    if done in DONE:
        response.set_cookie(DONE_COOKIE, done, max_age=60, path="/", httponly=True, samesite="lax")
    return response
