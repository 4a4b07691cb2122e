"""2.1/code: the SQL is built by pasting the user's text between quotes.

Unsafe: the title, the description and the search term become part of the SQL text.
A ``'`` in any of them ends the string literal early, and whatever follows is read by the
database as SQL: a lone quote is a syntax error, a crafted one runs the attacker's SQL.
"""

from ..rawsql import now_literal, run_query, run_statement


def create_listing(title: str, description: str, user_id: int) -> None:
    run_statement(
        "INSERT INTO listings (user_id, created_at, title, description) "
        f"VALUES ({user_id}, {now_literal()}, '{title}', '{description}')"  # VULNERABLE
    )


def search_listings(q: str, limit: int, offset: int) -> list[dict]:
    return run_query(
        "SELECT l.id, l.title, l.description, l.created_at, u.full_name AS author_name "
        "FROM listings l JOIN users u ON u.id = l.user_id "
        f"WHERE LOWER(l.title) LIKE LOWER('%{q}%') "  # VULNERABLE: the search term becomes SQL
        f"OR LOWER(l.description) LIKE LOWER('%{q}%') "
        f"ORDER BY l.created_at DESC, l.id DESC LIMIT {limit} OFFSET {offset}"
    )
