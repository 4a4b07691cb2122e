"""Wrong fix: double every quote (standard SQL escaping), in both inputs, and nothing else.

On SQLite (and PostgreSQL with standard strings) doubling quotes does keep the text
inside its literal, so no exploit breaks out. But the search term is a LIKE pattern, and
its ``%`` and ``_`` are left as wildcards: a search for "100%" or "a_z" finds listings
that do not contain it. Honest users' searches break; hand-escaping is still the wrong tool.

Caught by: feature special-characters
"""

from ..rawsql import now_literal, run_query, run_statement


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def create_listing(title: str, description: str, user_id: int) -> None:
    run_statement(
        "INSERT INTO listings (user_id, created_at, title, description) "
        f"VALUES ({user_id}, {now_literal()}, {_literal(title)}, {_literal(description)})"
    )


def search_listings(q: str, limit: int, offset: int) -> list[dict]:
    pattern = _literal(f"%{q}%")  # the wildcards in q stay wildcards
    return run_query(
        "SELECT l.id, l.title, l.description, l.created_at, u.full_name AS author_name "
        "FROM listings l JOIN users u ON u.id = l.user_id "
        f"WHERE LOWER(l.title) LIKE LOWER({pattern}) OR LOWER(l.description) LIKE LOWER({pattern}) "
        f"ORDER BY l.created_at DESC, l.id DESC LIMIT {int(limit)} OFFSET {int(offset)}"
    )
