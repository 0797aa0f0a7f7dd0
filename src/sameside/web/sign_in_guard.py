"""Login CSRF: only our own sign-in forms, posted from our own pages, may sign a browser in.

Without this, another site could post its own sign-in link or password to
`/auth/magic` or `/sign-in` from a hidden form, and the visitor's browser
would be signed in to an account of the attacker's choosing (whatever they
then type or upload lands in the attacker's account). Two checks, both needed:

- **Origin.** A browser names the page that posts a form. A form posted from
  another origin than `base_url`'s is refused; one without an Origin header
  (older browsers, some privacy settings) passes this check only by the token.
- **A pre-session token.** The page that shows a sign-in form sets a signed,
  expiring token as a SameSite cookie and puts the same token in the form
  (double submit). Another site can neither read the cookie nor forge the
  signature, so its form cannot carry a token that matches.

A refusal is a 403 that says what happened, on a page with a fresh form.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

from sameside.auth.errors import CrossSiteSignIn
from sameside.kit import clock
from sameside.kit.signing import sign
from sameside.web.deps import PostedForm

PRESESSION_COOKIE = "sameside_presession"
PRESESSION_FIELD = "presession"
_LIFETIME_SECONDS = 12 * 3600
"""A sign-in form left open longer asks to be sent again."""
_PURPOSE = "presession"


def issue(request: Request) -> str:
    """The token for a form about to be shown: the browser's current one when still good, else a new one."""
    held = request.cookies.get(PRESESSION_COOKIE, "")
    if _valid(request, held):
        return held
    nonce = secrets.token_urlsafe(16)
    expires = int(clock.now().timestamp()) + _LIFETIME_SECONDS
    return f"{nonce}.{expires}.{sign(_key(request), _PURPOSE, nonce, expires)}"


def set_cookie(request: Request, response: Response, token: str) -> None:
    """Give the browser the token its form carries (HttpOnly: page scripts never need it)."""
    settings = request.app.state.settings
    response.set_cookie(
        PRESESSION_COOKIE,
        token,
        max_age=_LIFETIME_SECONDS,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
    )


def check(request: Request, form: PostedForm) -> None:
    """Raise CrossSiteSignIn unless this sign-in form came from one of our pages, in this browser."""
    base = request.app.state.settings.base_url
    origin = request.headers.get("origin")
    if origin is not None and _origin_of(origin) != _origin_of(base):
        raise CrossSiteSignIn(
            f"This sign-in was sent from another site ({origin[:100]}), so we did not sign you in. "
            f"To sign in, use the form on {_origin_of(base)}."
        )
    posted, held = form.get(PRESESSION_FIELD, ""), request.cookies.get(PRESESSION_COOKIE, "")
    if not posted or not held or not hmac.compare_digest(posted.encode(), held.encode()) or not _valid(request, held):
        raise CrossSiteSignIn(
            "This sign-in form had expired or did not come from this site, so we did not sign you in. "
            "The form below is fresh: please send it again."
        )


def _valid(request: Request, token: str) -> bool:
    nonce, _, rest = token.partition(".")
    expires_text, _, signature = rest.partition(".")
    if not nonce or not signature or not expires_text.isdigit():
        return False
    expires = int(expires_text)
    if expires < clock.now().timestamp():
        return False
    expected = sign(_key(request), _PURPOSE, nonce, expires)
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def _key(request: Request) -> bytes:
    key: bytes = request.app.state.link_key
    return key


def _origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(scheme)
    try:
        port = parts.port
    except ValueError:
        return url
    suffix = f":{port}" if port is not None and port != default else ""
    return f"{scheme}://{host}{suffix}"
