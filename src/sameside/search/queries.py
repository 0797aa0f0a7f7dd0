"""The search itself, on each backend: one document per case, matched, scoped, filtered, counted, paged.

SQLite asks the FTS5 table `search_index` (its rowid is the case number);
PostgreSQL the `vector` of `search_documents` under its GIN index. Both join
`cases` and keep only what `cases.queries.visible_to` lets the searcher read,
so the page and its total count only what they may see. Results come newest
case first and page by case number (a keyset cursor, as every list here);
the total is counted up to `TOTAL_LIMIT`, so a word in every other case
costs no more than a rare one. Past that count, PostgreSQL picks the newest
matching documents on the index table alone and applies visibility and
filters to that window (`_pg_newest_first`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, Text, and_, cast, column, func, literal, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session, joinedload, selectinload

from sameside.cases.models import Case
from sameside.cases.queries import visible_to
from sameside.kit import cursor as cursors
from sameside.kit.actors import Actor, CustomerActor
from sameside.kit.errors import Forbidden, Invalid
from sameside.search import rules
from sameside.search.rules import SearchFilter

TOTAL_LIMIT = 200
"""Matches are counted up to this many; beyond it the total says "more than"."""
CANDIDATES = 4
"""On PostgreSQL, how many matching documents per result are read before visibility and filters are applied."""
PG_LANGUAGES = ("english", "german", "french", "spanish", "italian", "portuguese", "dutch")
"""The stemmers a word is tried in on PostgreSQL, besides 'simple' (documents use their case's language)."""

_index = table("search_index", column("rowid"))
_documents = table("search_documents", column("case_id"), column("people"), column("body"), column("vector"))


@dataclass(frozen=True)
class Hit:
    case: Case
    subject: str
    """The subject as escaped HTML, hits in <mark>."""
    snippet: str
    """A piece of the conversation (or the customer's addresses) as escaped HTML, hits in <mark>."""


@dataclass(frozen=True)
class Results:
    hits: Sequence[Hit]
    total: int
    total_is_exact: bool
    next_cursor: str | None


def search(
    session: Session,
    actor: Actor,
    query: rules.Query,
    filters: SearchFilter = rules.NO_FILTER,
    *,
    limit: int = 25,
    cursor: str | None = None,
) -> Results:
    """The cases `actor` may read that contain every term of `query`, newest first."""
    if isinstance(actor, CustomerActor):
        raise Forbidden("Search is for staff: it reads internal notes.")
    if not 1 <= limit <= 100:
        raise Invalid("limit must be between 1 and 100.")
    sqlite = session.get_bind().dialect.name == "sqlite"
    key, matches = _matching(session, query, sqlite)
    if matches is None:
        return Results(hits=[], total=0, total_is_exact=True, next_cursor=None)
    where = [matches, visible_to(actor), *_filtered(filters)]
    base = select(key).select_from(_index if sqlite else _documents).join(Case, Case.id == key).where(*where)
    counted = session.scalar(select(func.count()).select_from(base.limit(TOTAL_LIMIT + 1).subquery())) or 0
    last = cursors.decode(cursor, (int,))[0] if cursor is not None else None
    page = base if last is None else base.where(key < last)
    numbers = None
    if not sqlite and counted > TOTAL_LIMIT:
        numbers = _pg_newest_first(session, matches, where[1:], last, limit)
    if numbers is None:
        order = key.desc()
        if not sqlite and counted <= TOTAL_LIMIT:
            # Few matches: have PostgreSQL find them all by the GIN index and sort them, rather than read the
            # cases newest first hoping to meet them (its estimate for a phrase is blind; that read took 4 s).
            order = (key + 0).desc()
        numbers = list(session.scalars(page.order_by(order).limit(limit + 1)))
    next_cursor = None
    if len(numbers) > limit:
        numbers = numbers[:limit]
        next_cursor = cursors.encode([numbers[-1]])
    return Results(
        hits=_hits(session, numbers, query),
        total=min(counted, TOTAL_LIMIT),
        total_is_exact=counted <= TOTAL_LIMIT,
        next_cursor=next_cursor,
    )


def _pg_newest_first(
    session: Session, matches: ColumnElement[bool], scoped: list[ColumnElement[bool]], last: int | None, limit: int
) -> list[int] | None:
    """Many matches: the newest matching documents, chosen on the index table alone, then kept if visible.

    Asked on `search_documents` alone, PostgreSQL weighs the GIN index and a
    short sort against reading the newest documents first with its own
    estimate of the words; joined to `cases` first, the join's cost tipped it
    into reading thousands of documents newest first for two words that meet
    in one case in three hundred. The cases' visibility and filters then apply
    to a window of candidates; None when the window held too few of them (a
    narrow filter, a restricted team), and the caller asks the whole way.
    """
    case_id = _documents.c.case_id
    window = (limit + 1) * CANDIDATES
    newest = select(case_id).where(matches)
    if last is not None:
        newest = newest.where(case_id < last)
    candidates = newest.order_by(case_id.desc()).limit(window).subquery()
    found = list(
        session.scalars(
            select(candidates.c.case_id)
            .join(Case, Case.id == candidates.c.case_id)
            .where(*scoped)
            .order_by(candidates.c.case_id.desc())
            .limit(limit + 1)
        )
    )
    if len(found) > limit:
        return found
    exhausted = session.scalar(select(func.count()).select_from(candidates)) or 0
    return found if exhausted < window else None


def _matching(
    session: Session, query: rules.Query, sqlite: bool
) -> tuple[ColumnElement[int], ColumnElement[bool] | None]:
    """The case number's column, and the condition that a document holds every term (None: nothing can)."""
    if sqlite:
        rowid: ColumnElement[int] = _index.c.rowid
        return rowid, literal_column("search_index").op("MATCH")(rules.fts5_match(query))
    case_id: ColumnElement[int] = _documents.c.case_id
    wanted = _pg_tsquery(session, query)
    if wanted is None:
        return case_id, None
    return case_id, _documents.c.vector.op("@@")(cast(literal(wanted), TSQUERY))


def _pg_tsquery(session: Session, query: rules.Query) -> str | None:
    """The tsquery, as PostgreSQL's own text: each term's word in 'simple' and each stemmer, duplicates gone.

    PostgreSQL parses and stems the tokens (one quick round trip), so the
    query means what the index holds; asking it once more with the stems
    deduplicated gives the planner a true estimate of how many cases match,
    which decides between the GIN index and reading the newest cases first.
    The text is PostgreSQL's own output, quoted by it, so it reads back as is.
    """
    shapes = [[_pg_tsqueries(option) for option in term.options] for term in query.terms]
    flat = [piece for term in shapes for option in term for piece in option]
    row = session.execute(select(*(cast(piece, Text) for piece in flat))).one()
    texts = iter(row)
    terms = []
    for term in shapes:
        seen: list[str] = []
        for option in term:
            for _ in option:
                text = next(texts)
                if text and text not in seen:
                    seen.append(text)
        if seen:
            terms.append("(" + " | ".join(f"({t})" for t in seen) + ")")
    return " & ".join(terms) if terms else None


def _pg_tsqueries(tokens: tuple[str, ...]) -> list[ColumnElement[object]]:
    simple: ColumnElement[object] = literal_column("'simple'::regconfig")
    text = " ".join(tokens)
    if len(tokens) > 1:
        return [func.phraseto_tsquery(simple, text)]
    stemmed = [func.plainto_tsquery(literal_column(f"'{name}'::regconfig"), text) for name in PG_LANGUAGES]
    return [func.plainto_tsquery(simple, text), *stemmed]


def _filtered(filters: SearchFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.statuses:
        where.append(Case.status.in_(filters.statuses))
    if filters.team_id is not None:
        where.append(Case.team_id == filters.team_id)
    if filters.owner_id is not None:
        where.append(Case.owner_id == filters.owner_id)
    if filters.unowned:
        where.append(Case.owner_id.is_(None))
    if filters.created_from is not None:
        where.append(Case.created_at >= filters.created_from)
    if filters.created_before is not None:
        where.append(Case.created_at < filters.created_before)
    return [and_(*where)] if where else []


def _hits(session: Session, numbers: list[int], query: rules.Query) -> list[Hit]:
    if not numbers:
        return []
    cases_query: Select[Case] = (
        select(Case)
        .where(Case.id.in_(numbers))
        .options(joinedload(Case.customer), joinedload(Case.owner), joinedload(Case.team), selectinload(Case.tags))
    )
    cases = {c.id: c for c in session.scalars(cases_query).unique()}
    texts = {
        row.case_id: (row.people, row.body)
        for row in session.execute(
            select(_documents.c.case_id, _documents.c.people, _documents.c.body).where(
                _documents.c.case_id.in_(numbers)
            )
        )
    }
    found = []
    for number in numbers:
        case = cases.get(number)
        if case is None:  # deleted between the two reads
            continue
        people, body = texts.get(number, ("", ""))
        found.append(Hit(case, rules.highlight(case.subject, query), rules.snippet(body or "", people or "", query)))
    return found
