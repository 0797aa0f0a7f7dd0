"""Signing in and out, customers' magic links, and staff API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from sameside.api.presenters import token_out
from sameside.auth import service as auth
from sameside.auth.schemas import (
    MagicLinkRedeem,
    MagicLinkRequest,
    SignedIn,
    SignIn,
    TokenCreate,
    TokenCreated,
    TokenOut,
)
from sameside.customers.models import Customer
from sameside.http.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AppSettings,
    MaybeUser,
    ReadSession,
    StaffUser,
    Write,
    set_session_cookies,
)
from sameside.http.idempotency import idempotent
from sameside.http.limits import doorman
from sameside.http.offload import offload
from sameside.kit.ids import MAX_ID
from sameside.staff.queries import get_staff

router = APIRouter(tags=["auth"])


@router.post("/auth/sign-in", response_model=SignedIn)
@offload
def sign_in(body: SignIn, request: Request, response: Response, write: Write, settings: AppSettings) -> SignedIn:
    """Staff sign in with email and password; sets an HttpOnly session cookie.

    A wrong email and a wrong password get the same answer; attempts are
    limited per address and per client.
    """
    with write() as session:
        doorman(request).knock(request, "sign_in", body.email)
        staff = auth.check_staff_password(session, body.email, body.password)
        issued = auth.open_session(session, staff=staff, days=settings.session_days)
        set_session_cookies(response, settings, issued)
        return SignedIn(kind="staff", id=staff.id, name=staff.name, role=staff.role.value, csrf_token=issued.csrf_token)


@router.post("/auth/sign-out", status_code=status.HTTP_204_NO_CONTENT)
@offload
def sign_out(request: Request, _: MaybeUser, write: Write) -> Response:
    """End this browser session (idempotent)."""
    with write() as session:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            auth.close_session(session, token)
        response = Response(status_code=status.HTTP_204_NO_CONTENT)
        response.delete_cookie(SESSION_COOKIE, path="/")
        response.delete_cookie(CSRF_COOKIE, path="/")
        return response


@router.post("/auth/magic-link", status_code=status.HTTP_202_ACCEPTED)
@offload
def request_magic_link(body: MagicLinkRequest, request: Request, write: Write) -> dict[str, str]:
    """Email a customer a sign-in link. Answers the same, in the same time, whether or not the address is known.

    The request only enqueues a job; the worker looks the address up and
    mails a link only to an address proven to be the customer's (docs/auth.md).
    """
    with write() as session:
        doorman(request).knock(request, "magic_link", body.email)
        auth.ask_for_sign_in_link(session, body.email)
        return {"detail": "If this address belongs to a customer, a sign-in link is on its way."}


@router.post("/auth/magic-link/redeem", response_model=SignedIn)
@offload
def redeem_magic_link(
    body: MagicLinkRedeem, request: Request, response: Response, write: Write, settings: AppSettings
) -> SignedIn:
    """Exchange a magic link's token for a customer session (once)."""
    with write() as session:
        doorman(request).knock(request, "magic_link_redeem")
        customer = auth.redeem_magic_link(session, body.token)
        issued = auth.open_session(session, customer=customer, days=settings.session_days)
        set_session_cookies(response, settings, issued)
        return _customer_signed_in(customer, issued.csrf_token)


def _customer_signed_in(customer: Customer, csrf: str) -> SignedIn:
    return SignedIn(kind="customer", id=customer.id, name=customer.name, csrf_token=csrf)


@router.get("/tokens", response_model=list[TokenOut], tags=["tokens"])
@offload
def list_tokens(actor: StaffUser, session: ReadSession) -> list[TokenOut]:
    """Your API tokens (never their secret part)."""
    return [token_out(t) for t in auth.list_api_tokens(session, actor, actor.staff_id)]


@router.post("/tokens", status_code=status.HTTP_201_CREATED, response_model=TokenCreated, tags=["tokens"])
@offload
@idempotent
def create_token(body: TokenCreate, actor: StaffUser, write: Write) -> TokenCreated:
    """A new API token for you; the token is shown in this response only."""
    with write() as session:
        token, plaintext = auth.create_api_token(session, actor, get_staff(session, actor.staff_id), body.name)
        return TokenCreated(**token_out(token).model_dump(), token=plaintext)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["tokens"])
@offload
def revoke_token(token_id: Annotated[int, Path(ge=1, le=MAX_ID)], actor: StaffUser, write: Write) -> Response:
    """Revoke a token at once; admins may revoke anyone's."""
    with write() as session:
        auth.revoke_api_token(session, actor, token_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)
