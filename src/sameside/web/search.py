"""The desk's search page: one box over every case the agent may read, with filters and highlighted hits.

A GET form, so a search is a link that can be kept, shared and opened
again; it works the same with and without JavaScript. The search box on
every desk page sends its words here as `q`. What the words mean, and the
filters, are `search.rules`; a query they refuse is drawn again with the
message beside the box and what was typed kept.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from sameside.cases.rules import CaseStatus
from sameside.cases.service_levels.queries import due_labels
from sameside.http.offload import offload
from sameside.kit.errors import DomainError
from sameside.search import queries, rules
from sameside.staff import queries as staff_queries
from sameside.web.deps import DeskAgent, PageSession
from sameside.web.pages import page
from sameside.web.staff_pages import VIEWS

router = APIRouter(prefix="/desk", include_in_schema=False)

PER_PAGE = 25
Field = Annotated[str, Query(max_length=40)]


@router.get("/search", response_model=None)
@offload
def search_page(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    q: Annotated[str, Query(max_length=2000)] = "",
    status: Field = "",
    team: Field = "",
    owner: Field = "",
    from_: Annotated[str, Query(alias="from", max_length=40)] = "",
    to: Field = "",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    asked = {"q": q, "status": status, "team": team, "owner": owner, "from": from_, "to": to}
    context: dict[str, Any] = {
        "agent": agent,
        "views": VIEWS,
        "current": None,
        "search_query": q,
        "asked": asked,
        "statuses": list(CaseStatus),
        "teams": staff_queries.list_teams(session),
        "filtered": any(v for k, v in asked.items() if k != "q"),
    }
    if not q.strip():
        return page(request, "desk_search.html", **context, results=None)
    try:
        query = rules.parse(q)
        filters = rules.filters(
            me=agent.actor.staff_id, statuses=[status], team=team, owner=owner, since=from_, until=to
        )
        found = queries.search(session, agent.actor, query, filters, limit=PER_PAGE, cursor=cursor)
    except DomainError as error:
        return page(
            request, "desk_search.html", status_code=error.status, **context, results=None, search_error=error.detail
        )
    more = None
    if found.next_cursor:
        more = "/desk/search?" + urlencode({**{k: v for k, v in asked.items() if v}, "cursor": found.next_cursor})
    dues = due_labels([hit.case for hit in found.hits])
    return page(
        request,
        "desk_search.html",
        **context,
        results=found,
        dues=dues,
        more=more,
        later_page=cursor is not None,
    )
