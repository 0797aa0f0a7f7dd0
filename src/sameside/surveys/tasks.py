"""Surveys' chore: cases resolved a while ago are considered for their one survey (sent or skipped, and why)."""

from __future__ import annotations

from sameside.auth.service import instance_key
from sameside.jobs.registry import task
from sameside.jobs.run import Run
from sameside.surveys.links import Links
from sameside.surveys.service import consider_due

CONSIDER = "surveys.consider"
LINK_KEY = "link-signing"
"""The key the server signs links with (`app`), so the pages it serves accept the links mailed here."""


@task(CONSIDER)
def consider(run: Run) -> bool:
    with run.unit_of_work() as session:
        key = instance_key(session, LINK_KEY, configured=run.settings.secret_key)
        return consider_due(session, Links(run.settings.base_url, key)) > 0
