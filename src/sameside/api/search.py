"""Search: every case a staff member may read, by number, subject, conversation, customer, address or order number."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from sameside.api import presenters
from sameside.cases.rules import CaseStatus
from sameside.http.deps import ReadSession, StaffUser
from sameside.http.offload import offload
from sameside.kit.ids import MAX_ID
from sameside.search import queries, rules
from sameside.search.schemas import SearchHit, SearchPage

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchPage)
@offload
def search(
    actor: StaffUser,
    session: ReadSession,
    q: Annotated[
        str,
        Query(
            max_length=rules.MAX_LENGTH,
            description=(
                "Words, a case number (`#168`), a name, an email address, a phone number or an order number "
                '(`A-10023`); a "quoted phrase" must stand together. A case matches when it holds every term.'
            ),
        ),
    ],
    status_: Annotated[list[CaseStatus] | None, Query(alias="status", description="Repeat for several")] = None,
    team: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    owner: Annotated[
        str | None, Query(description="A staff id, `me` or `none`", max_length=20, pattern=r"^(me|none|[0-9]+)$")
    ] = None,
    from_: Annotated[date | None, Query(alias="from", description="Opened on or after this day (UTC)")] = None,
    to: Annotated[date | None, Query(description="Opened on or before this day (UTC)")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> SearchPage:
    """Search the cases you may read, newest first, with the hits highlighted.

    Internal notes are searched too (search is for staff). `total` counts only
    what you may read, up to 200.
    """
    query = rules.parse(q)
    filters = rules.filters(
        me=actor.staff_id,
        statuses=[s.value for s in status_ or ()],
        team=str(team) if team is not None else None,
        owner=owner,
        since=from_.isoformat() if from_ else None,
        until=to.isoformat() if to else None,
    )
    found = queries.search(session, actor, query, filters, limit=limit, cursor=cursor)
    return SearchPage(
        items=[
            SearchHit(case=presenters.case_out(hit.case), subject_html=hit.subject, snippet_html=hit.snippet)
            for hit in found.hits
        ],
        total=found.total,
        total_is_exact=found.total_is_exact,
        next_cursor=found.next_cursor,
    )
