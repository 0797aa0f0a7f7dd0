"""`Idempotency-Key` on the API's creating POSTs: a retry after a lost answer gets the first answer.

Mark a route `@idempotent`, under `@offload`:

    @router.post("/cases", status_code=201, response_model=CaseOut)
    @offload
    @idempotent
    def open_case(body: CaseCreate, actor: User, write: Write) -> CaseOut:
        with write() as session:
            ...

Without the header nothing changes. With it, the route's `write()` joins
one transaction that first claims the key (`idempotency.service.claim`:
the stored answer, if there is one, is sent back at once with
`Idempotent-Replayed: true`), then runs the route, then stores the answer it
built — status, body and the headers a retry needs — before that same
transaction commits. Routes that read a multipart body themselves (files)
use `for_files` instead: their fingerprint is the fields and each file's
name, size and SHA-256, as a client's multipart boundary changes on every
retry. A middleware could not do this: it sees the answer
only after the route's transaction has committed, so a crash in between
would leave a creation that a retry repeats.

An answer is stored only when the route succeeds: a refusal (4xx) rolls the
transaction back with the key, and a retry runs again, which is safe since
nothing was created. The key is scoped to the caller (staff member or
customer) and to the method and path; see docs/idempotency.md.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import Depends, Header, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.routing import APIRoute
from pydantic import TypeAdapter

from sameside.attachments.rules import Upload
from sameside.db.engine import Session
from sameside.http.deps import User, Writer
from sameside.idempotency import service
from sameside.idempotency.rules import Attempt, fingerprint, parse_key
from sameside.kit.actors import CustomerActor, StaffActor

P = ParamSpec("P")
R = TypeVar("R")

REPLAYED = "Idempotent-Replayed"
_KEPT_HEADERS = ("content-type", "location", "content-location")
_PARAM = "_idempotency"


@dataclass(frozen=True, slots=True)
class _Keyed:
    attempt: Attempt
    route: APIRoute


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description=(
            "Any unique string of 1 to 255 characters (a UUID is best). A retry with the same key and body "
            "gets the first answer again, marked `Idempotent-Replayed: true`, instead of creating twice; "
            "the same key with another body is a 422, and while the first is still running a 409. "
            "Answers are kept for 24 hours, per caller and per method and path."
        ),
    ),
]


def _caller(actor: StaffActor | CustomerActor) -> str:
    return f"staff:{actor.staff_id}" if isinstance(actor, StaffActor) else f"customer:{actor.customer_id}"


async def _keyed(request: Request, actor: User, key: IdempotencyKey = None) -> _Keyed | None:
    if key is None:
        return None
    caller = _caller(actor)
    payload = await request.body()  # already read (and kept) for the route's body parameter
    operation = f"{request.method} {request.url.path}"
    route = request.scope["route"]
    assert isinstance(route, APIRoute)
    return _Keyed(Attempt(caller, operation, parse_key(key), fingerprint(payload, request.url.query)), route)


@dataclass(frozen=True, slots=True)
class Once:
    """An `Idempotency-Key` on a route that reads its own multipart body: `replay`, then `keep`, in one write."""

    attempt: Attempt
    route: APIRoute

    def replay(self, session: Session) -> Response | None:
        """The first answer, when this is a retry (run first in the route's write transaction)."""
        kept = service.claim(session, self.attempt)
        return _replayed(kept) if kept is not None else None

    def keep(self, session: Session, result: object) -> Response:
        """The answer for `result`, kept for retries in the same transaction (run last, before it commits)."""
        answer = _first_answer(self.route, result, None)
        headers = {name: answer.headers[name] for name in _KEPT_HEADERS if name in answer.headers}
        service.keep(session, self.attempt, service.Answer(answer.status_code, headers, bytes(answer.body)))
        return answer


def for_files(
    request: Request,
    actor: StaffActor | CustomerActor,
    key: str | None,
    fields: Mapping[str, object],
    files: Sequence[Upload],
) -> Once | None:
    """The attempt of a multipart request with a key, fingerprinted by its fields and its files' bytes.

    Two sends of one message carry different multipart boundaries, so the raw
    body cannot be compared; the form's fields and each file's name, size
    and SHA-256, in order, can.
    """
    if key is None:
        return None
    parsed = parse_key(key)
    payload = json.dumps(
        {
            "fields": dict(fields),
            "files": [[f.filename, f.size, hashlib.sha256(f.data).hexdigest()] for f in files],
        },
        sort_keys=True,
        default=str,
    ).encode()
    route = request.scope["route"]
    assert isinstance(route, APIRoute)
    operation = f"{request.method} {request.url.path}"
    return Once(Attempt(_caller(actor), operation, parsed, fingerprint(payload, request.url.query)), route)


def idempotent(fn: Callable[P, R]) -> Callable[P, R | Response]:
    """Let a creating route take an `Idempotency-Key` (documented in OpenAPI through the added parameter).

    The route must take the request's `Write` and make its changes in one
    `with write() as session:` block, as routes do; it may return a model
    (serialized here as FastAPI would, by the route's `response_model`) or
    a `Response`.
    """
    hints = typing.get_type_hints(fn, include_extras=True)
    signature = inspect.signature(fn)
    write_name = _the_parameter(fn, hints, Writer)
    response_name = next((name for name, hint in hints.items() if hint is Response), None)
    hidden = inspect.Parameter(
        _PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[_Keyed | None, Depends(_keyed)]
    )
    parameters = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()]
    parameters = sorted([*parameters, hidden], key=lambda p: p.kind)

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        keyed = typing.cast(_Keyed | None, kwargs.pop(_PARAM))
        if keyed is None:
            return fn(*args, **kwargs)
        writer = typing.cast(Writer, kwargs[write_name])
        with writer() as session:
            kept = service.claim(session, keyed.attempt)
            if kept is not None:
                return _replayed(kept)
            kwargs[write_name] = _Joined(session)
            injected = typing.cast(Response | None, kwargs.get(response_name)) if response_name else None
            answer = _first_answer(keyed.route, fn(*args, **kwargs), injected)
            headers = {name: answer.headers[name] for name in _KEPT_HEADERS if name in answer.headers}
            service.keep(session, keyed.attempt, service.Answer(answer.status_code, headers, bytes(answer.body)))
        return answer

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters, return_annotation=hints.get("return", signature.return_annotation)
    )
    return wrapper


class _Joined:
    """Stands for the route's `Write`: each `write()` is the transaction the key was claimed in."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def __call__(self) -> AbstractContextManager[Session]:
        return self._same()

    @contextmanager
    def _same(self) -> Iterator[Session]:
        yield self._session  # committed (or rolled back) by `idempotent`, after the answer is kept


def _the_parameter(fn: Callable[..., Any], hints: dict[str, Any], kind: type) -> str:
    names = [name for name, hint in hints.items() if typing.get_args(hint)[:1] == (kind,) or hint is kind]
    if len(names) != 1:
        raise TypeError(f"@idempotent needs {fn.__qualname__} to take exactly one {kind.__name__} (`Write`)")
    return names[0]


def _first_answer(route: APIRoute, result: object, injected: Response | None) -> Response:
    """The response FastAPI would send for `result`, built here so that its bytes can be kept."""
    if isinstance(result, Response):
        return result
    if route.response_model is None:
        body = json.dumps(jsonable_encoder(result), separators=(",", ":")).encode()
    else:
        adapter = _adapter(route.response_model)
        body = adapter.dump_json(
            adapter.validate_python(result, from_attributes=True),
            by_alias=route.response_model_by_alias,
            exclude_unset=route.response_model_exclude_unset,
            exclude_defaults=route.response_model_exclude_defaults,
            exclude_none=route.response_model_exclude_none,
        )
    status = (injected.status_code if injected is not None and injected.status_code else None) or route.status_code
    response = Response(content=body, status_code=status or 200, media_type="application/json")
    if injected is not None:
        response.headers.raw.extend(injected.headers.raw)
    return response


@functools.cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def _replayed(kept: service.Answer) -> Response:
    response = Response(content=kept.body, status_code=kept.status, headers=kept.headers)
    response.headers[REPLAYED] = "true"
    return response
