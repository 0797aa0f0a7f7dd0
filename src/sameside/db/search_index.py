"""The search index's tables and triggers: one search document per case, written in the message's transaction.

The SQL lives here rather than only in migration 0015 because SQLite drops a
table's triggers whenever a migration rebuilds that table (Alembic's batch
mode: a new column, a CHECK that changed), so `ensure` puts them back after
every migration run (`db/migrations/env.py`). The tables are no models:
`db.migrate.include_name` keeps them out of the schema comparison. The reads
are in `sameside.search.queries`; the design in docs/search.md.

SQLite: `search_documents` holds each case's text, and the FTS5 table
`search_index` indexes it as external content (rowid = case number).
PostgreSQL: `search_documents` carries a generated `vector` ('simple' plus
the case's language) under a GIN index. Punctuation splits tokens the same
way on both, so "A-10023" and "ana.lima@example.com" match as phrases.
"""

# ruff: noqa: S608  (SQL built from this module's own constants only: no input reaches it)
from __future__ import annotations

from sqlalchemy.engine import Connection

SEARCHED_KINDS = "('message', 'note')"
BODY_CAP = 75_000
"""PostgreSQL indexes a case's first and last this many characters of conversation (a tsvector is at most 1 MB)."""

# ---------------------------------------------------------------- SQLite

_SQLITE_PEOPLE = """(
    SELECT c.name || coalesce(' ' || (
        SELECT group_concat(i.value, ' ') FROM customer_identities i WHERE i.customer_id = c.id AND i.kind <> 'chat'
    ), '')
    FROM cases k JOIN customers c ON c.id = k.customer_id WHERE k.id = search_documents.case_id
)"""
_SQLITE_PEOPLE_OF_NEW = """coalesce((
    SELECT c.name || coalesce(' ' || (
        SELECT group_concat(i.value, ' ') FROM customer_identities i WHERE i.customer_id = c.id AND i.kind <> 'chat'
    ), '')
    FROM customers c WHERE c.id = new.customer_id
), '')"""
_SQLITE_BODY = f"""coalesce((
    SELECT group_concat(e.body, char(30)) FROM timeline_entries e
    WHERE e.case_id = search_documents.case_id AND e.kind IN {SEARCHED_KINDS} AND e.body IS NOT NULL AND e.body <> ''
), '')"""

SQLITE_TABLES = (
    """CREATE TABLE search_documents (
        case_id INTEGER NOT NULL PRIMARY KEY,
        subject TEXT NOT NULL DEFAULT '',
        people TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE VIRTUAL TABLE search_index USING fts5(
        subject, people, body,
        content='search_documents', content_rowid='case_id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
)
SQLITE_TRIGGERS = (
    # The index follows the documents (the external-content pattern of the FTS5 manual).
    """CREATE TRIGGER IF NOT EXISTS search_documents_ai AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_index (rowid, subject, people, body) VALUES (new.case_id, new.subject, new.people, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_documents_ad AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_index (search_index, rowid, subject, people, body)
        VALUES ('delete', old.case_id, old.subject, old.people, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_documents_au AFTER UPDATE ON search_documents BEGIN
        INSERT INTO search_index (search_index, rowid, subject, people, body)
        VALUES ('delete', old.case_id, old.subject, old.people, old.body);
        INSERT INTO search_index (rowid, subject, people, body) VALUES (new.case_id, new.subject, new.people, new.body);
    END""",
    # The documents follow cases, their messages and notes, and their customers.
    f"""CREATE TRIGGER IF NOT EXISTS search_cases_ai AFTER INSERT ON cases BEGIN
        INSERT INTO search_documents (case_id, subject, people, body)
        VALUES (new.id, '#' || new.id || ' ' || new.subject, {_SQLITE_PEOPLE_OF_NEW}, '');
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_cases_au AFTER UPDATE OF subject, customer_id ON cases BEGIN
        UPDATE search_documents
        SET subject = '#' || new.id || ' ' || new.subject, people = coalesce({_SQLITE_PEOPLE}, '')
        WHERE case_id = new.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_cases_ad AFTER DELETE ON cases BEGIN
        DELETE FROM search_documents WHERE case_id = old.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_entries_ai AFTER INSERT ON timeline_entries
    WHEN new.kind IN {SEARCHED_KINDS} AND new.body IS NOT NULL AND new.body <> '' BEGIN
        UPDATE search_documents SET body = CASE WHEN body = '' THEN new.body ELSE body || char(30) || new.body END
        WHERE case_id = new.case_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_entries_au AFTER UPDATE OF body, case_id, kind ON timeline_entries BEGIN
        UPDATE search_documents SET body = {_SQLITE_BODY} WHERE case_id IN (old.case_id, new.case_id);
    END""",
    # A case being deleted takes its entries with it: its document is already gone, nothing to rebuild.
    f"""CREATE TRIGGER IF NOT EXISTS search_entries_ad AFTER DELETE ON timeline_entries
    WHEN old.kind IN {SEARCHED_KINDS} AND EXISTS (SELECT 1 FROM cases WHERE id = old.case_id) BEGIN
        UPDATE search_documents SET body = {_SQLITE_BODY} WHERE case_id = old.case_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_customers_au AFTER UPDATE OF name ON customers BEGIN
        UPDATE search_documents SET people = coalesce({_SQLITE_PEOPLE}, '')
        WHERE case_id IN (SELECT id FROM cases WHERE customer_id = new.id);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_identities_ai AFTER INSERT ON customer_identities BEGIN
        UPDATE search_documents SET people = coalesce({_SQLITE_PEOPLE}, '')
        WHERE case_id IN (SELECT id FROM cases WHERE customer_id = new.customer_id);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_identities_au
    AFTER UPDATE OF value, kind, customer_id ON customer_identities BEGIN
        UPDATE search_documents SET people = coalesce({_SQLITE_PEOPLE}, '')
        WHERE case_id IN (SELECT id FROM cases WHERE customer_id IN (old.customer_id, new.customer_id));
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_identities_ad AFTER DELETE ON customer_identities BEGIN
        UPDATE search_documents SET people = coalesce({_SQLITE_PEOPLE}, '')
        WHERE case_id IN (SELECT id FROM cases WHERE customer_id = old.customer_id);
    END""",
)
SQLITE_BACKFILL = (
    f"""INSERT INTO search_documents (case_id, subject, people, body)
    SELECT k.id, '#' || k.id || ' ' || k.subject,
        c.name || coalesce(' ' || (
            SELECT group_concat(i.value, ' ') FROM customer_identities i WHERE i.customer_id = c.id AND i.kind <> 'chat'
        ), ''),
        coalesce(b.body, '')
    FROM cases k
    JOIN customers c ON c.id = k.customer_id
    LEFT JOIN (
        SELECT case_id, group_concat(body, char(30)) AS body FROM (
            SELECT case_id, body FROM timeline_entries
            WHERE kind IN {SEARCHED_KINDS} AND body IS NOT NULL AND body <> '' ORDER BY case_id, id
        ) GROUP BY case_id
    ) b ON b.case_id = k.id""",
    # The index read from the documents in one pass (the triggers come after, in the same transaction).
    "INSERT INTO search_index (search_index) VALUES ('rebuild')",
)
SQLITE_DROP = (
    *(
        f"DROP TRIGGER IF EXISTS {name}"
        for name in (
            "search_identities_ad",
            "search_identities_au",
            "search_identities_ai",
            "search_customers_au",
            "search_entries_ad",
            "search_entries_au",
            "search_entries_ai",
            "search_cases_ad",
            "search_cases_au",
            "search_cases_ai",
            "search_documents_au",
            "search_documents_ad",
            "search_documents_ai",
        )
    ),
    "DROP TABLE IF EXISTS search_index",
    "DROP TABLE IF EXISTS search_documents",
)

# ---------------------------------------------------------------- PostgreSQL


_PG_CLEAN = "'[[:punct:]]+', ' ', 'g'"
"""Punctuation to spaces: a regular expression, six times quicker than translate() with a list of characters."""
_PG_BODY = (
    f"CASE WHEN length(body) <= {2 * BODY_CAP} THEN body"
    f" ELSE left(body, {BODY_CAP}) || ' ' || right(body, {BODY_CAP}) END"
)
PG_LANGUAGES = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "nb": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
_PG_LANGUAGE_CASES = " ".join(f"WHEN '{tag}' THEN '{name}'" for tag, name in PG_LANGUAGES.items())

PG_CREATE = (
    f"""CREATE TABLE search_documents (
        case_id integer NOT NULL PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
        language regconfig NOT NULL DEFAULT 'english',
        subject text NOT NULL DEFAULT '',
        people text NOT NULL DEFAULT '',
        body text NOT NULL DEFAULT '',
        vector tsvector GENERATED ALWAYS AS (
            to_tsvector(
                'simple'::regconfig, regexp_replace(subject || ' ' || people || ' ' || ({_PG_BODY}), {_PG_CLEAN})
            )
            || to_tsvector(language, regexp_replace(subject || ' ' || ({_PG_BODY}), {_PG_CLEAN}))
        ) STORED
    )""",
    f"""CREATE OR REPLACE FUNCTION search_language(tag text) RETURNS regconfig LANGUAGE sql IMMUTABLE AS $$
        SELECT (CASE lower(split_part(coalesce(tag, ''), '-', 1)) {_PG_LANGUAGE_CASES} ELSE 'english' END)::regconfig
    $$""",
    """CREATE OR REPLACE FUNCTION search_people(customer integer) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT c.name || coalesce(' ' || (
            SELECT string_agg(i.value, ' ' ORDER BY i.id) FROM customer_identities i
            WHERE i.customer_id = c.id AND i.kind <> 'chat'
        ), '')
        FROM customers c WHERE c.id = customer
    $$""",
    f"""CREATE OR REPLACE FUNCTION search_body(the_case integer) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT coalesce(string_agg(e.body, chr(30) ORDER BY e.id), '') FROM timeline_entries e
        WHERE e.case_id = the_case AND e.kind IN {SEARCHED_KINDS} AND e.body IS NOT NULL AND e.body <> ''
    $$""",
    """CREATE OR REPLACE FUNCTION search_case_written() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO search_documents (case_id, language, subject, people)
            VALUES (NEW.id, search_language(NEW.language), '#' || NEW.id || ' ' || NEW.subject,
                    coalesce(search_people(NEW.customer_id), ''));
        ELSE
            UPDATE search_documents SET language = search_language(NEW.language),
                subject = '#' || NEW.id || ' ' || NEW.subject, people = coalesce(search_people(NEW.customer_id), '')
            WHERE case_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION search_entry_written() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE search_documents SET body = CASE WHEN body = '' THEN NEW.body ELSE body || chr(30) || NEW.body END
            WHERE case_id = NEW.case_id;
        ELSIF TG_OP = 'UPDATE' THEN
            UPDATE search_documents SET body = search_body(case_id) WHERE case_id IN (OLD.case_id, NEW.case_id);
        ELSIF EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id) THEN
            UPDATE search_documents SET body = search_body(case_id) WHERE case_id = OLD.case_id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION search_customer_written() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'customers' THEN
            UPDATE search_documents d SET people = coalesce(search_people(NEW.id), '')
            FROM cases k WHERE k.id = d.case_id AND k.customer_id = NEW.id;
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE search_documents d SET people = coalesce(search_people(OLD.customer_id), '')
            FROM cases k WHERE k.id = d.case_id AND k.customer_id = OLD.customer_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE search_documents d SET people = coalesce(search_people(NEW.customer_id), '')
            FROM cases k WHERE k.id = d.case_id AND k.customer_id = NEW.customer_id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE TRIGGER search_cases_ai AFTER INSERT ON cases
        FOR EACH ROW EXECUTE FUNCTION search_case_written()""",
    """CREATE OR REPLACE TRIGGER search_cases_au AFTER UPDATE OF subject, customer_id, language ON cases
        FOR EACH ROW WHEN (OLD.subject IS DISTINCT FROM NEW.subject OR OLD.customer_id IS DISTINCT FROM NEW.customer_id
                           OR OLD.language IS DISTINCT FROM NEW.language)
        EXECUTE FUNCTION search_case_written()""",
    f"""CREATE OR REPLACE TRIGGER search_entries_ai AFTER INSERT ON timeline_entries
        FOR EACH ROW WHEN (NEW.kind IN {SEARCHED_KINDS} AND NEW.body IS NOT NULL AND NEW.body <> '')
        EXECUTE FUNCTION search_entry_written()""",
    """CREATE OR REPLACE TRIGGER search_entries_au AFTER UPDATE OF body, case_id, kind ON timeline_entries
        FOR EACH ROW EXECUTE FUNCTION search_entry_written()""",
    f"""CREATE OR REPLACE TRIGGER search_entries_ad AFTER DELETE ON timeline_entries
        FOR EACH ROW WHEN (OLD.kind IN {SEARCHED_KINDS}) EXECUTE FUNCTION search_entry_written()""",
    """CREATE OR REPLACE TRIGGER search_customers_au AFTER UPDATE OF name ON customers
        FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION search_customer_written()""",
    """CREATE OR REPLACE TRIGGER search_identities_aiud AFTER INSERT OR UPDATE OR DELETE ON customer_identities
        FOR EACH ROW EXECUTE FUNCTION search_customer_written()""",
)
PG_INDEX = "CREATE INDEX ix_search_documents_vector ON search_documents USING gin (vector)"
"""Built after a backfill: one pass over the documents is far quicker than growing it row by row."""
PG_BACKFILL = (
    f"""INSERT INTO search_documents (case_id, language, subject, people, body)
    SELECT k.id, search_language(k.language), '#' || k.id || ' ' || k.subject,
        c.name || coalesce(' ' || p.addresses, ''), coalesce(b.body, '')
    FROM cases k
    JOIN customers c ON c.id = k.customer_id
    LEFT JOIN (
        SELECT customer_id, string_agg(value, ' ' ORDER BY id) AS addresses FROM customer_identities
        WHERE kind <> 'chat' GROUP BY customer_id
    ) p ON p.customer_id = c.id
    LEFT JOIN (
        SELECT case_id, string_agg(body, chr(30) ORDER BY id) AS body FROM timeline_entries
        WHERE kind IN {SEARCHED_KINDS} AND body IS NOT NULL AND body <> '' GROUP BY case_id
    ) b ON b.case_id = k.id""",
)
PG_DROP = (
    "DROP TRIGGER IF EXISTS search_identities_aiud ON customer_identities",
    "DROP TRIGGER IF EXISTS search_customers_au ON customers",
    "DROP TRIGGER IF EXISTS search_entries_ad ON timeline_entries",
    "DROP TRIGGER IF EXISTS search_entries_au ON timeline_entries",
    "DROP TRIGGER IF EXISTS search_entries_ai ON timeline_entries",
    "DROP TRIGGER IF EXISTS search_cases_au ON cases",
    "DROP TRIGGER IF EXISTS search_cases_ai ON cases",
    "DROP FUNCTION IF EXISTS search_customer_written()",
    "DROP FUNCTION IF EXISTS search_entry_written()",
    "DROP FUNCTION IF EXISTS search_case_written()",
    "DROP FUNCTION IF EXISTS search_body(integer)",
    "DROP FUNCTION IF EXISTS search_people(integer)",
    "DROP FUNCTION IF EXISTS search_language(text)",
    "DROP TABLE IF EXISTS search_documents",
)


def _run(connection: Connection, statements: tuple[str, ...]) -> None:
    sqlite = connection.dialect.name == "sqlite"
    for statement in statements:
        # psycopg reads % as a placeholder even with no parameters.
        connection.exec_driver_sql(statement if sqlite else statement.replace("%", "%%"))


def create(connection: Connection, *, backfill: bool = True) -> None:
    """The tables, the index and the triggers, then (`backfill`) every existing case's document."""
    if connection.dialect.name == "sqlite":
        _run(connection, (*SQLITE_TABLES, *(SQLITE_BACKFILL if backfill else ()), *SQLITE_TRIGGERS))
    else:
        _run(connection, (*PG_CREATE, *(PG_BACKFILL if backfill else ()), PG_INDEX, "ANALYZE search_documents"))


def fill(connection: Connection) -> None:
    """Every case's document, for a database whose cases were loaded without the triggers (see `drop_triggers`)."""
    if connection.dialect.name == "sqlite":
        _run(connection, ("DELETE FROM search_documents", *SQLITE_BACKFILL))
    else:
        _run(
            connection,
            (
                "DROP INDEX IF EXISTS ix_search_documents_vector",
                "DELETE FROM search_documents",
                *PG_BACKFILL,
                "SET LOCAL maintenance_work_mem = '512MB'",
                PG_INDEX,
                "ANALYZE search_documents",
            ),
        )


def drop_triggers(connection: Connection) -> None:
    """The triggers only, for a bulk load; `ensure` (SQLite) or `create_triggers` puts them back."""
    if connection.dialect.name == "sqlite":
        _run(connection, tuple(s for s in SQLITE_DROP if s.startswith("DROP TRIGGER")))
    else:
        _run(connection, tuple(s for s in PG_DROP if s.startswith("DROP TRIGGER")))


def create_triggers(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        _run(connection, SQLITE_TRIGGERS)
    else:
        _run(connection, tuple(s for s in PG_CREATE if "CREATE TRIGGER" in s))


def ensure(connection: Connection) -> None:
    """Put back any trigger a later migration lost: on SQLite, rebuilding a table (Alembic's batch mode,
    to add a column or change a CHECK) drops the table's triggers with it. Run after every migration."""
    if connection.dialect.name != "sqlite":
        return
    present = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'search_documents'"
    ).scalar()
    if present:
        _run(connection, SQLITE_TRIGGERS)


def drop(connection: Connection) -> None:
    _run(connection, SQLITE_DROP if connection.dialect.name == "sqlite" else PG_DROP)
