"""Wrong fix: strip quotes from the search term; the listing form is left alone.

The search is the injection everyone demonstrates, so the quotes are removed there. The
listing form builds its INSERT the same way, and a title with an apostrophe still ends
the string literal early: the form still injects.

Caught by: quote-breakout
"""

from ..rawsql import now_literal, run_query, run_statement


def create_listing(title: str, description: str, user_id: int) -> None:
    run_statement(
        "INSERT INTO listings (user_id, created_at, title, description) "
        f"VALUES ({user_id}, {now_literal()}, '{title}', '{description}')"  # VULNERABLE
    )


def search_listings(q: str, limit: int, offset: int) -> list[dict]:
    q = q.replace("'", "")  # the "fix": no quote, no injection (in this one input)
    return run_query(
        "SELECT l.id, l.title, l.description, l.created_at, u.full_name AS author_name "
        "FROM listings l JOIN users u ON u.id = l.user_id "
        f"WHERE LOWER(l.title) LIKE LOWER('%{q}%') OR LOWER(l.description) LIKE LOWER('%{q}%') "
        f"ORDER BY l.created_at DESC, l.id DESC LIMIT {limit} OFFSET {offset}"
    )
