"""2.2/fix: the SQL is a constant with placeholders; the values travel separately.

Safe: ``:title`` and friends are sent to the driver as its own placeholders (``%(title)s``
for psycopg, ``?`` for sqlite3) with the values alongside, so the database parses the
statement before it ever sees the user's text. No quote or backslash in a value can
change the SQL. (The search also escapes ``%`` and ``_`` so they match themselves.)
"""

from marketplace.clock import utcnow
from marketplace.extensions import db

from ..rawsql import like_pattern, listing_rows, narrowing, run_bound

INSERT = (
    "INSERT INTO listings (user_id, created_at, title, description) "
    "VALUES (:user_id, :created_at, :title, :description)"
)
SEARCH = (
    "SELECT l.id, l.title, l.description, l.created_at, u.full_name AS author_name "
    "FROM listings l JOIN users u ON u.id = l.user_id "
    "WHERE {narrowing}(LOWER(l.title) LIKE LOWER(:pattern) ESCAPE '\\' "
    "OR LOWER(l.description) LIKE LOWER(:pattern) ESCAPE '\\') "
    "ORDER BY l.created_at DESC, l.id DESC LIMIT :limit OFFSET :offset"
)


def create_listing(title: str, description: str, user_id: int) -> None:
    run_bound(  # FIX: the values are parameters, never SQL text
        INSERT, user_id=user_id, created_at=utcnow(), title=title, description=description
    )
    db.session.commit()


def search_listings(q: str, limit: int, offset: int) -> list[dict]:
    # An index narrows the rows to look at (a constant condition, values as parameters);
    # the LIKE still decides, so the results are the same with or without it.
    condition, params = narrowing(q)
    sql = SEARCH.format(narrowing=condition + " AND " if condition else "")
    rows = run_bound(sql, pattern=like_pattern(q), limit=limit, offset=offset, **params)  # FIX
    return listing_rows(rows)
