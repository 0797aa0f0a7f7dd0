"""The audit log (admins only): who changed what, when and from where, with each value before and after.

Read-only: the log has no way to be changed, here or anywhere (`audit.immutable`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from sameside.audit import queries
from sameside.audit.models import AuditEntry
from sameside.audit.schemas import AuditActorOut, AuditEntryOut, AuditPageOut
from sameside.http.deps import Admin, ReadSession
from sameside.http.offload import offload
from sameside.kit.ids import MAX_ID

router = APIRouter(prefix="/audit", tags=["audit"])


def entry_out(row: AuditEntry, names: dict[int, str]) -> AuditEntryOut:
    return AuditEntryOut(
        id=row.id,
        at=row.at,
        actor=AuditActorOut(staff_id=row.staff_id, name=names.get(row.staff_id), role=row.role.value),
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        case_number=row.case_id,
        changes=row.changes,
        via=row.via,
        client=row.client,
        user_agent=row.agent,
        request_id=row.request_id,
    )


@router.get("", response_model=AuditPageOut)
@offload
def list_audit(
    actor: Admin,
    session: ReadSession,
    staff_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only what this staff member did")] = None,
    entity: Annotated[
        str | None, Query(max_length=64, description="Only this kind of thing: a table, such as `teams`")
    ] = None,
    entity_id: Annotated[str | None, Query(max_length=100, description="Only this one (needs `entity`)")] = None,
    action: Literal["created", "changed", "deleted"] | None = None,
    case: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this case and its parts")] = None,
    since: Annotated[datetime | None, Query(description="From this moment on, with its UTC offset")] = None,
    until: Annotated[datetime | None, Query(description="Before this moment, with its UTC offset")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> AuditPageOut:
    """Every change staff made, newest first, paged by cursor. Secrets read `(hidden)`; long text is cut short."""
    filters = queries.AuditFilter(
        staff_id=staff_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        case_id=case,
        since=since,
        until=until,
    )
    page = queries.entries(session, actor, filters, limit=limit, cursor=cursor)
    return AuditPageOut(items=[entry_out(row, page.names) for row in page.items], next_cursor=page.next_cursor)
