"""Wrong fix: the INSERT gets placeholders, the search is still pasted together.

Half the seam is fixed: new listings are safe. The search still pastes the term between
quotes, so a UNION SELECT appended to it returns the users table.

Caught by: union-dump
"""

from marketplace.clock import utcnow
from marketplace.extensions import db

from ..rawsql import run_bound, run_query

INSERT = (
    "INSERT INTO listings (user_id, created_at, title, description) "
    "VALUES (:user_id, :created_at, :title, :description)"
)


def create_listing(title: str, description: str, user_id: int) -> None:
    run_bound(INSERT, user_id=user_id, created_at=utcnow(), title=title, description=description)
    db.session.commit()


def search_listings(q: str, limit: int, offset: int) -> list[dict]:
    return run_query(
        "SELECT l.id, l.title, l.description, l.created_at, u.full_name AS author_name "
        "FROM listings l JOIN users u ON u.id = l.user_id "
        f"WHERE LOWER(l.title) LIKE LOWER('%{q}%') OR LOWER(l.description) LIKE LOWER('%{q}%') "
        f"ORDER BY l.created_at DESC, l.id DESC LIMIT {limit} OFFSET {offset}"
    )
