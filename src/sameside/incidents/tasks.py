"""Incidents' jobs: find who is affected, tell them, close the linked cases — a batch a run, queued again until done.

Each batch commits on its own, so a thousand customers are told in ten
short transactions, none holding the request that declared the incident.
"""

from __future__ import annotations

from sameside.config import Settings
from sameside.incidents import reach
from sameside.incidents.service import CLOSE, REACH, TELL
from sameside.jobs.registry import task
from sameside.jobs.run import Run
from sameside.jobs.service import enqueue


def portal_of(settings: Settings) -> str:
    return f"{settings.base_url.rstrip('/')}/portal"


@task(REACH)
def find_affected(run: Run) -> bool:
    incident_id = int(run.payload["incident_id"])
    with run.unit_of_work() as session:
        reach.find_affected(session, incident_id)
        enqueue(session, TELL, incident_id=incident_id, number=0)
    return True


@task(TELL)
def tell(run: Run) -> bool:
    incident_id, number = int(run.payload["incident_id"]), int(run.payload["number"])
    with run.unit_of_work() as session:
        more = reach.tell(session, incident_id, number, portal=portal_of(run.settings))
        if more:
            enqueue(session, TELL, incident_id=incident_id, number=number)
    return True


@task(CLOSE)
def close(run: Run) -> bool:
    payload = run.payload
    incident_id, number, staff_id = int(payload["incident_id"]), int(payload["number"]), int(payload["staff_id"])
    with run.unit_of_work() as session:
        more = reach.close(session, incident_id, number, staff_id, portal=portal_of(run.settings))
        if more:
            enqueue(session, CLOSE, incident_id=incident_id, number=number, staff_id=staff_id)
        else:
            enqueue(session, TELL, incident_id=incident_id, number=number)  # then those with no linked case
    return True
