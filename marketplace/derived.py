"""What the database keeps in step by itself: two counters and SQLite's search index.

* ``counters.listings`` is the number of listings, kept by triggers in the same
  transaction as every insert and delete, so the API's ``total`` is exact without a
  ``COUNT(*)`` over the whole table.
* ``counters.lesson_stages`` changes whenever a row of ``lesson_stages`` does, however it
  is changed (the app, ``marketplace lab set``, a hand-typed UPDATE). Each worker caches
  the active stages and reads only this one row per request to know whether the cache is
  still right (lessons/state.py). It starts at a random number, so a database dropped and
  created again never repeats a version a worker has cached.
* ``listings_fts`` (SQLite): an FTS5 trigram index of titles and descriptions, used only to
  narrow a search before the search's own ``LIKE`` decides (lessons/sql_injection/rawsql.py).
  PostgreSQL narrows with the ``pg_trgm`` indexes of migration 0002 instead, through
  ``listing_candidates()`` (migration 0012): the ids of the listings whose title or
  description may match a pattern, always found by a bitmap scan of those indexes.

One definition for both ways a schema is made: ``db.create_all()`` (tests) runs
:func:`install` after creating the tables, and the migrations 0005/0006 call the same
statements (0012 for the PostgreSQL function). Changing a statement here needs a new
migration for existing databases.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError

from .extensions import db, rollback_quietly

LISTINGS = "listings"  # the counters' names
STAGES = "lesson_stages"

# The statements are literal SQL (no value is ever interpolated). The stages' version
# starts at a random number below 2**62, so billions of changes never overflow BIGINT.
_COUNTERS = [
    "CREATE TABLE IF NOT EXISTS counters (name VARCHAR(64) PRIMARY KEY, value BIGINT NOT NULL)",
    "DELETE FROM counters WHERE name IN ('listings', 'lesson_stages')",
    "INSERT INTO counters (name, value) SELECT 'listings', count(*) FROM listings",
]
_SQLITE_COUNTERS = [
    "INSERT INTO counters (name, value) "
    "VALUES ('lesson_stages', abs(random()) % 4611686018427387904)",
    "CREATE TRIGGER IF NOT EXISTS listings_count_insert AFTER INSERT ON listings "
    "BEGIN UPDATE counters SET value = value + 1 WHERE name = 'listings'; END",
    "CREATE TRIGGER IF NOT EXISTS listings_count_delete AFTER DELETE ON listings "
    "BEGIN UPDATE counters SET value = value - 1 WHERE name = 'listings'; END",
    "CREATE TRIGGER IF NOT EXISTS lesson_stages_version_insert AFTER INSERT ON lesson_stages "
    "BEGIN UPDATE counters SET value = value + 1 WHERE name = 'lesson_stages'; END",
    "CREATE TRIGGER IF NOT EXISTS lesson_stages_version_update AFTER UPDATE ON lesson_stages "
    "BEGIN UPDATE counters SET value = value + 1 WHERE name = 'lesson_stages'; END",
    "CREATE TRIGGER IF NOT EXISTS lesson_stages_version_delete AFTER DELETE ON lesson_stages "
    "BEGIN UPDATE counters SET value = value + 1 WHERE name = 'lesson_stages'; END",
]
# PostgreSQL: statement-level triggers with transition tables, so a bulk insert of a
# million rows updates the counter once, not a million times.
_POSTGRES_COUNTERS = [
    "INSERT INTO counters (name, value) "
    "VALUES ('lesson_stages', floor(random() * 4611686018427387904)::bigint)",
    "CREATE OR REPLACE FUNCTION listings_count_added() RETURNS trigger AS $$ BEGIN "
    "UPDATE counters SET value = value + (SELECT count(*) FROM changed) "
    "WHERE name = 'listings'; RETURN NULL; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE FUNCTION listings_count_removed() RETURNS trigger AS $$ BEGIN "
    "UPDATE counters SET value = value - (SELECT count(*) FROM changed) "
    "WHERE name = 'listings'; RETURN NULL; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE FUNCTION lesson_stages_bump() RETURNS trigger AS $$ BEGIN "
    "UPDATE counters SET value = value + 1 WHERE name = 'lesson_stages'; "
    "RETURN NULL; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS listings_count_insert ON listings",
    "CREATE TRIGGER listings_count_insert AFTER INSERT ON listings "
    "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT "
    "EXECUTE FUNCTION listings_count_added()",
    "DROP TRIGGER IF EXISTS listings_count_delete ON listings",
    "CREATE TRIGGER listings_count_delete AFTER DELETE ON listings "
    "REFERENCING OLD TABLE AS changed FOR EACH STATEMENT "
    "EXECUTE FUNCTION listings_count_removed()",
    "DROP TRIGGER IF EXISTS lesson_stages_version ON lesson_stages",
    "CREATE TRIGGER lesson_stages_version AFTER INSERT OR UPDATE OR DELETE "
    "ON lesson_stages FOR EACH STATEMENT EXECUTE FUNCTION lesson_stages_bump()",
]
# SQLite: an external-content FTS5 table (the text stays in ``listings`` only).
_SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS listings_fts USING fts5("
    "title, description, content='listings', content_rowid='id', tokenize='trigram')",
    "INSERT INTO listings_fts(listings_fts) VALUES ('rebuild')",
    "CREATE TRIGGER IF NOT EXISTS listings_fts_insert AFTER INSERT ON listings BEGIN "
    "INSERT INTO listings_fts(rowid, title, description) "
    "VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER IF NOT EXISTS listings_fts_delete AFTER DELETE ON listings BEGIN "
    "INSERT INTO listings_fts(listings_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); END",
    "CREATE TRIGGER IF NOT EXISTS listings_fts_update AFTER UPDATE OF title, description "
    "ON listings BEGIN "
    "INSERT INTO listings_fts(listings_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); "
    "INSERT INTO listings_fts(rowid, title, description) "
    "VALUES (new.id, new.title, new.description); END",
]
# PostgreSQL: the function's own settings switch off sequential and plain index scans
# while it runs (PostgreSQL restores them when it returns), so the candidates are always a
# bitmap scan of the trigram indexes: the planner's estimate for ``ILIKE '%term%'`` knows
# nothing of trigrams, and a generic or misjudged plan walked the whole table instead.
_POSTGRES_CANDIDATES = [
    "CREATE OR REPLACE FUNCTION listing_candidates(pattern text, most integer) "
    "RETURNS SETOF integer LANGUAGE sql STABLE "
    "SET enable_seqscan = off SET enable_indexscan = off AS $$ "
    "SELECT id FROM listings WHERE title ILIKE pattern OR description ILIKE pattern "
    "LIMIT most $$",
]
DROP_CANDIDATES = "DROP FUNCTION IF EXISTS listing_candidates(text, integer)"

FTS_INSERT_TRIGGER = _SQLITE_SEARCH[2]


def bulk_insert_listings(conn: Connection, statement, rows: list[dict]) -> None:
    """Insert many listings at once; on SQLite, index them in one statement, not per row.

    The row trigger makes FTS5 index each listing on its own (seven times slower for a
    bulk load); inside the caller's transaction the trigger is dropped, the rows and then
    their index entries inserted, and the trigger made again, so no other connection ever
    sees a listing without its index entry. Dropping the trigger takes the write lock
    first, so the new ids are exactly those above the max read after it.
    """
    indexed = (
        conn.dialect.name == "sqlite"
        and conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'listings_fts_insert'"
        ).first()
    )
    if not indexed:
        conn.execute(statement, rows)
        return
    conn.exec_driver_sql("DROP TRIGGER listings_fts_insert")
    last = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM listings").scalar()
    conn.execute(statement, rows)
    conn.exec_driver_sql(
        "INSERT INTO listings_fts(rowid, title, description) "
        "SELECT id, title, description FROM listings WHERE id > ?",
        (last,),
    )
    conn.exec_driver_sql(FTS_INSERT_TRIGGER)


def counter_statements(dialect: str) -> list[str]:
    """Create the counters table (if need be), its rows, and the triggers that keep them."""
    return _COUNTERS + (_SQLITE_COUNTERS if dialect == "sqlite" else _POSTGRES_COUNTERS)


def search_statements(dialect: str) -> list[str]:
    """SQLite: the trigram index of listings and the triggers that keep it in step."""
    return list(_SQLITE_SEARCH) if dialect == "sqlite" else []


def drop_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        names = ["listings_count_insert", "listings_count_delete"]
        names += [f"lesson_stages_version_{op}" for op in ("insert", "update", "delete")]
        names += [f"listings_fts_{op}" for op in ("insert", "delete", "update")]
        return [f"DROP TRIGGER IF EXISTS {n}" for n in names] + [
            "DROP TABLE IF EXISTS listings_fts",
            "DROP TABLE IF EXISTS counters",
        ]
    return [
        "DROP TRIGGER IF EXISTS listings_count_insert ON listings",
        "DROP TRIGGER IF EXISTS listings_count_delete ON listings",
        "DROP TRIGGER IF EXISTS lesson_stages_version ON lesson_stages",
        "DROP FUNCTION IF EXISTS listings_count_added()",
        "DROP FUNCTION IF EXISTS listings_count_removed()",
        "DROP FUNCTION IF EXISTS lesson_stages_bump()",
        DROP_CANDIDATES,
        "DROP TABLE IF EXISTS counters",
    ]


def candidate_statements(dialect: str) -> list[str]:
    """PostgreSQL: the function that names a search term's candidates by the trigram indexes."""
    return list(_POSTGRES_CANDIDATES) if dialect == "postgresql" else []


def install(connection: Connection) -> None:
    dialect = connection.dialect.name
    statements = counter_statements(dialect) + search_statements(dialect)
    for statement in statements + candidate_statements(dialect):
        connection.exec_driver_sql(statement)


@event.listens_for(db.metadata, "after_create")
def _after_create_all(_metadata, connection: Connection, **_kw) -> None:
    """``db.create_all()`` makes the same derived data as the migrations."""
    install(connection)


@event.listens_for(db.metadata, "before_drop")
def _before_drop_all(_metadata, connection: Connection, **_kw) -> None:
    for statement in drop_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


_READ_COUNTER = {
    True: "SELECT value FROM counters WHERE name = ?",
    False: "SELECT value FROM counters WHERE name = %s",
}


def read_counter(name: str) -> int | None:
    """A counter's value, or None when this database has no counters (not migrated yet)."""
    sql = _READ_COUNTER[db.engine.dialect.name == "sqlite"]  # the drivers' own placeholders
    try:
        value = db.session.connection().exec_driver_sql(sql, (name,)).scalar()
    except (OperationalError, ProgrammingError) as exc:
        if "counters" not in str(exc.orig):
            raise  # the database is away: the caller's error handling decides
        rollback_quietly()  # PostgreSQL refuses more statements in a failed transaction
        return None
    return None if value is None else int(value)
