"""2.1/fix: quotes are escaped by hand before the text is pasted into the SQL.

Still unsafe. The escaping must know every way the database reads a literal, and it must be
the last thing done to the text. Here it is neither:

* On PostgreSQL (as in the course) a quote becomes ``\\'`` inside an ``E'...'`` literal,
  where a backslash escapes the next character. The backslash itself is not escaped, so a
  value ending in ``\\`` swallows its closing quote, and an input ``\\'`` becomes ``\\\\'``:
  an escaped backslash followed by a real, closing quote.
* SQLite has no backslash escapes, so there a quote is doubled (``''``), which on its own
  would be complete. But the escaped text is then normalised to Unicode NFKC (so that
  full-width input matches ordinary text), and NFKC turns the full-width apostrophe
  ``＇`` (U+FF07), which the escaping never saw, into a plain ``'``. The same happens on
  PostgreSQL.
"""

import unicodedata

from ..rawsql import dialect, now_literal, run_query, run_statement


def _literal(value: str) -> str:
    if dialect() == "postgresql":
        quoted = "E'" + value.replace("'", "\\'") + "'"  # VULNERABLE: backslashes left as they are
    else:
        quoted = "'" + value.replace("'", "''") + "'"
    return unicodedata.normalize("NFKC", quoted)  # VULNERABLE: changes the text after escaping


def create_listing(title: str, description: str, user_id: int) -> None:
    run_statement(
        "INSERT INTO listings (user_id, created_at, title, description) "
        f"VALUES ({user_id}, {now_literal()}, {_literal(title)}, {_literal(description)})"
    )


def search_listings(q: str, limit: int, offset: int) -> list[dict]:
    pattern = _literal(f"%{q}%")
    return run_query(
        "SELECT l.id, l.title, l.description, l.created_at, u.full_name AS author_name "
        "FROM listings l JOIN users u ON u.id = l.user_id "
        f"WHERE LOWER(l.title) LIKE LOWER({pattern}) OR LOWER(l.description) LIKE LOWER({pattern}) "
        f"ORDER BY l.created_at DESC, l.id DESC LIMIT {limit} OFFSET {offset}"
    )
