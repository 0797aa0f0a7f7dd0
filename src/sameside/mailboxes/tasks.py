"""Inbound mail's chore: file what was stored but not yet read (the listener was busy, or died after its 250).

The intake is built by the composition root (`wiring.intake`: blob store,
size limit, what acknowledgements say) and provided to the worker's tasks as
`INTAKE`; the parsers load only where a worker runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sameside.jobs.registry import task
from sameside.jobs.run import Need, Run

if TYPE_CHECKING:
    from sameside.mailboxes.filing import Intake

FILE_PENDING = "mailboxes.file_pending"
INTAKE: Need[Intake] = Need("mail intake")
BATCH = 50
"""Messages per run, each in its own transaction; a run that filed any runs again on the next round."""


@task(FILE_PENDING)
def file_pending(run: Run) -> bool:
    return bool(run.need(INTAKE).process_pending(limit=BATCH))
