"""Auth's job: mailing a sign-in link, off the request that asked for it (`auth.send_sign_in_link`)."""

from __future__ import annotations

from sameside.auth.service import SEND_SIGN_IN_LINK, request_magic_link
from sameside.jobs.registry import task
from sameside.jobs.run import Run


@task(SEND_SIGN_IN_LINK)
def send_sign_in_link(run: Run) -> bool:
    """Look the address up and mail it a link if it may have one; nothing, the same job done, otherwise."""
    settings = run.settings
    with run.unit_of_work() as session:
        request_magic_link(
            session,
            str(run.payload["email"]),
            link_base=f"{settings.base_url.rstrip('/')}/auth/magic",
            minutes=settings.magic_link_minutes,
        )
    return True
