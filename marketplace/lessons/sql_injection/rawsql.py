"""What the SQL stages share: running a statement, shaping the rows, escaping LIKE patterns.

Nothing here builds SQL from input; each stage module writes its own statements.
"""

from __future__ import annotations

import json
import weakref
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, bindparam, text

from marketplace.clock import utcnow
from marketplace.extensions import db

COLUMNS = ("id", "title", "description", "created_at", "author_name")


def dialect() -> str:
    """``"postgresql"`` or ``"sqlite"``: the hand-escaping stage writes literals per database."""
    return db.engine.dialect.name


def now_literal() -> str:
    """The creation time as SQL text (the app's own clock, never user input)."""
    return "'" + utcnow().strftime("%Y-%m-%d %H:%M:%S.%f") + "'"


def run_statement(sql: str) -> None:
    """Execute one finished SQL string as it is (no parameters) and commit."""
    connection = db.session.connection().execution_options(no_parameters=True)
    connection.exec_driver_sql(sql)
    db.session.commit()


def run_query(sql: str) -> list[dict]:
    """Execute one finished SELECT as it is (no parameters); rows as listing dicts."""
    connection = db.session.connection().execution_options(no_parameters=True)
    return listing_rows(connection.exec_driver_sql(sql))


def run_bound(sql: str, **params: Any) -> Any:
    """Execute SQL with ``:name`` placeholders; the driver receives the values separately."""
    statement = text(sql)
    if "created_at" in params:
        statement = statement.bindparams(bindparam("created_at", type_=DateTime()))
    return db.session.execute(statement, params)


def listing_rows(result) -> list[dict]:
    return [dict(zip(COLUMNS, (*row[:3], _when(row[3]), row[4]), strict=True)) for row in result]


def _when(value: Any) -> Any:
    # SQLite hands raw SQL's timestamps back as text; the ORM stage returns datetimes.
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def like_pattern(q: str) -> str:
    """A LIKE pattern matching ``q`` anywhere, its own ``%``, ``_`` and ``\\`` taken literally."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# --- narrowing a search by an index ---------------------------------------------------
#
# The fixed stages search with ``LOWER(column) LIKE LOWER(pattern)``: with a leading
# wildcard no B-tree helps, so at a million listings a rare term scans the table. An index
# of trigrams can name the few rows that contain the term; the ``LIKE`` then still decides
# for each of them, so the results are exactly the ``LIKE``'s (case folded as the
# database's LOWER() folds it: ASCII only on SQLite, Unicode on PostgreSQL; accents never).
#
# The rule for short terms: a term of 1 or 2 characters has no trigram, so it is searched
# by the ``LIKE`` alone, newest first, stopping at the page: fast for common letters, a
# scan of the table for a rare pair. The same holds for a term with more than
# CANDIDATES_MAX candidates: newest first finds a page of a common term quickly.
#
# Any other term is first looked up in a trigram index for its candidates' ids (at most
# CANDIDATES_MAX + 1), and the search then looks at those rows only. On PostgreSQL that
# takes a bitmap of every row holding the term's trigrams, costly for a common term (57 ms
# for a word in every title at a million listings), so there a term found PROBE_HITS
# times among the newest PROBE_ROWS listings is taken as common and walked newest first
# without asking (on SQLite the probe, 1-2 ms, would cost more than FTS5 reading a
# thousand ids, 1 ms). PostgreSQL's candidates come from a function that is always a
# bitmap scan of the trigram indexes; until 2026-11-27 the index's condition went into
# the search and the planner chose, and its choice flipped with its estimates: it walked
# the date index through the whole table for a term whose trigrams are all common but
# whose text is rare (1.7 s at a million listings), or read and sorted every row of a
# common word (20 ms). Over CANDIDATES_MAX candidates SQLite walks newest first;
# PostgreSQL keeps the index's condition and lets the planner choose.

CANDIDATES_MAX = 1000
PROBE_ROWS = 500
PROBE_HITS = 20  # a page: newest first finds it within the probed rows
_has_fts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _fts_available() -> bool:
    engine = db.engine
    if engine not in _has_fts:
        found = db.session.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'listings_fts'")
        ).first()
        _has_fts[engine] = found is not None
    return _has_fts[engine]


# The condition, by the name the listings go by in the query ("l" or "listings"): the
# candidates' ids as one parameter (JSON text on SQLite, an array on PostgreSQL), or on
# PostgreSQL, for a term with too many candidates, the trigram indexes' own condition.
_CANDIDATES = {
    "sqlite": {
        "l": "l.id IN (SELECT value FROM json_each(:narrow_ids))",
        "listings": "listings.id IN (SELECT value FROM json_each(:narrow_ids))",
    },
    "postgresql": {
        "l": "l.id = ANY(CAST(:narrow_ids AS integer[]))",
        "listings": "listings.id = ANY(CAST(:narrow_ids AS integer[]))",
    },
}
_TRIGRAM = {
    "l": "(l.title ILIKE :narrow_pattern OR l.description ILIKE :narrow_pattern)",
    "listings": "(listings.title ILIKE :narrow_pattern "
    "OR listings.description ILIKE :narrow_pattern)",
}
# PostgreSQL: ILIKE on the bare columns is what the pg_trgm GIN indexes of migration 0002
# serve (no ESCAPE clause: the backslash is PostgreSQL's default escape already). The
# candidates come from listing_candidates() (migration 0012), always a bitmap scan of
# those indexes whatever the planner estimates; the probe walks the date index.
_PG_CANDIDATES = text("SELECT listing_candidates(:pattern, :most)")
# The probe: ILIKE, the same match as the candidates' (a superset of the search's own).
_PG_COMMON = text(
    "SELECT count(*) FROM (SELECT 1 FROM (SELECT title, description FROM listings "
    "ORDER BY created_at DESC, id DESC LIMIT :rows) AS newest "
    "WHERE title ILIKE :pattern OR description ILIKE :pattern LIMIT :hits) AS found"
)
_SQLITE_CANDIDATES = text(
    "SELECT rowid FROM listings_fts WHERE listings_fts MATCH :phrase LIMIT :most"
)


def _common_among_newest(q: str) -> bool:
    params = {"rows": PROBE_ROWS, "pattern": like_pattern(q), "hits": PROBE_HITS}
    return db.session.execute(_PG_COMMON, params).scalar_one() >= PROBE_HITS


def _postgres_candidates(q: str) -> list[int]:
    params = {"pattern": like_pattern(q), "most": CANDIDATES_MAX + 1}
    return list(db.session.execute(_PG_CANDIDATES, params).scalars())


def _sqlite_candidates(q: str) -> list[int]:
    # The trigram index folds case more widely than SQLite's LOWER(): a superset again.
    found = db.session.execute(
        _SQLITE_CANDIDATES, {"phrase": fts_phrase(q), "most": CANDIDATES_MAX + 1}
    )
    return list(found.scalars())


def fts_phrase(q: str) -> str:
    """``q`` as one FTS5 phrase (a substring, for the trigram tokenizer); quotes doubled."""
    return '"' + q.replace('"', '""') + '"'


def narrowing(q: str, table: str = "l") -> tuple[str, dict]:
    """A condition to AND into a search's WHERE and its parameters, or ``("", {})``.

    It only ever keeps rows the search's own ``LIKE`` may match (a superset), so adding it
    never changes the results, only how many rows the database looks at. ``table`` is the
    name the listings go by in the query. The SQL here is constant; ``q`` goes in
    parameters only.
    """
    if len(q) < 3:
        return "", {}
    kind = dialect()
    if kind == "postgresql":
        if _common_among_newest(q):
            return "", {}
        ids = _postgres_candidates(q)
        if len(ids) > CANDIDATES_MAX:
            return _TRIGRAM[table], {"narrow_pattern": like_pattern(q)}
    elif kind == "sqlite" and _fts_available():
        ids = _sqlite_candidates(q)
        if len(ids) > CANDIDATES_MAX:
            return "", {}
    else:
        return "", {}
    return _CANDIDATES[kind][table], {"narrow_ids": json.dumps(ids) if kind == "sqlite" else ids}
