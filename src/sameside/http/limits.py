"""Rate limits on the doors people knock on: staff sign-in and customers' magic links.

Each door counts attempts per account (the email given) and per client
address. One address gets several times an account's allowance, because a
whole office can sit behind one address; one account gets the configured
allowance, which is what stops guessing a password.
"""

from __future__ import annotations

from typing import Literal

from fastapi import Request

from sameside.config import Settings
from sameside.kit.ratelimit import RateLimiter

Door = Literal["sign_in", "magic_link", "magic_link_redeem"]
CLIENT_SHARE = 5


class Doorman:
    def __init__(self, settings: Settings) -> None:
        per, window = settings.login_attempts_per_window, settings.login_window_seconds
        doors: tuple[Door, ...] = ("sign_in", "magic_link", "magic_link_redeem")
        self._per_account = {door: RateLimiter(per, window) for door in doors}
        self._per_client = {door: RateLimiter(per * CLIENT_SHARE, window) for door in doors}

    def knock(self, request: Request, door: Door, account: str | None = None) -> None:
        """Count one attempt; raises TooManyRequests (429 with Retry-After) past a limit."""
        self._per_client[door].hit(request.client.host if request.client else "-")
        if account is not None:
            self._per_account[door].hit(account.strip().lower())


def doorman(request: Request) -> Doorman:
    keeper: Doorman = request.app.state.doorman
    return keeper
