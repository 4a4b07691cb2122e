"""Challenges of chapter 2, and their detectors: what the database did with the input.

The rules (the lesson text's "Challenge" section says them):

- ``quote-breakout``: while serving the search or the listing form, the database reports a
  syntax error in a statement (seen by a SQLAlchemy ``handle_error`` hook, whatever stage
  built the SQL).
- ``escape-bypass``: a listing created through the form holds the database's version
  (``version()`` / ``sqlite_version()``) although the form's text did not.
- ``union-dump``: a search answers with a page that carries some user's e-mail together
  with that user's stored password value, which the search text did not contain.

Ordinary searches and listings never make the database fail, print its version or show a
password value. The checks run only on listings and searches whose text holds a quote
(``'``, or the full-width ``＇``) or, for a listing, a backslash, which every breakout needs:
other requests cost nothing.
"""

from __future__ import annotations

import logging
import re

from flask import g, has_request_context, request, request_finished
from markupsafe import escape
from sqlalchemy import event, select, text

from marketplace.challenges import Challenge, lab_memory, solved
from marketplace.challenges.hooks import form_field
from marketplace.extensions import db
from marketplace.models import Listing, User

log = logging.getLogger(__name__)

LESSON = "sql-injection"
VIEWS = ("listings.index", "listings.create")
QUOTES = ("'", "\uff07")
BACKSLASH = "\\"  # on PostgreSQL a title ending in one swallows its closing quote
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
EMAILS_CHECKED = 50
# How each database says it could not parse a statement.
_SQLITE_SYNTAX = re.compile(r"syntax error|unrecognized token|incomplete input|unterminated")
_POSTGRES_SYNTAX = "42601"

CHALLENGES = (
    Challenge(
        exploit="quote-breakout",
        goal="Make the database fail to read a statement the listings' search or form built.",
        difficulty=1,
        hints=(
            "Your text ends up inside an SQL string literal.",
            "What ends a string literal in SQL?",
            "Search for Bob's bike (a lone ') at the concat stage.",
        ),
    ),
    Challenge(
        exploit="escape-bypass",
        goal="Create a listing whose description is the database's version, without typing it.",
        difficulty=3,
        hints=(
            "The quote-escape stage escapes quotes, but is a quote the only way out?",
            "On PostgreSQL a backslash escapes the next character; on SQLite the text is "
            "normalised (NFKC) after escaping.",
            "Title: X＇, sqlite_version())-- (a full-width apostrophe U+FF07), or on "
            "PostgreSQL a title ending in \\ with the description , version())--",
        ),
    ),
    Challenge(
        exploit="union-dump",
        goal="Make the listing search show you other users' e-mails and password hashes.",
        difficulty=2,
        hints=(
            "A search result has five columns; so could any other query.",
            "UNION SELECT appends rows of your choosing to the results.",
            "Search for: x') UNION SELECT id, email, password_hash, created_at, full_name "
            "FROM users -- (at concat; with ＇ instead of ' at quote-escape)",
        ),
    ),
)


def _syntax_error(exc: BaseException | None) -> str | None:
    if exc is None:
        return None
    if getattr(exc, "sqlstate", None) == _POSTGRES_SYNTAX or getattr(exc, "pgcode", None) == (
        _POSTGRES_SYNTAX
    ):
        return str(exc).splitlines()[0]
    if getattr(exc, "sqlite_errorname", None) == "SQLITE_ERROR" and _SQLITE_SYNTAX.search(str(exc)):
        return str(exc)
    return None


def on_database_error(context) -> None:
    """SQLAlchemy ``handle_error``: a syntax error while a listings view runs."""
    try:
        if not has_request_context() or request.endpoint not in VIEWS:
            return
        message = _syntax_error(context.original_exception)
        if message:
            solved(LESSON, "quote-breakout", f"the database said: {message[:200]}")
    except Exception:  # noqa: BLE001 - the original error must go on unchanged
        log.exception("the quote-breakout detector failed; the request goes on")


def _database_version() -> str:
    memory = lab_memory("database-version")
    if "version" not in memory:
        query = "SELECT version()" if db.engine.dialect.name == "postgresql" else None
        query = query or "SELECT sqlite_version()"
        memory["version"] = str(db.session.execute(text(query)).scalar() or "")
    return memory["version"]


def _quoted(*values: str) -> bool:
    return any(quote in value for value in values for quote in QUOTES)


def _check_created_listing(response) -> None:
    title = form_field("title")
    description = form_field("description")
    login = g.get("login")
    if response.status_code not in (302, 303) or login is None:
        return
    version = _database_version()
    if not version or version in title or version in description:
        return
    newest = db.session.execute(
        select(Listing.title, Listing.description)
        .where(Listing.user_id == login.user_id)
        .order_by(Listing.id.desc())
        .limit(1)
    ).first()
    if newest and any(version in (value or "") for value in newest):
        solved(LESSON, "escape-bypass", f"a new listing holds the database version {version!r}")


def _check_search(response, q: str) -> None:
    if response.status_code != 200 or response.mimetype != "text/html":
        return
    page = response.get_data(as_text=True)
    emails = {e.lower() for e in _EMAIL.findall(page)} - {e.lower() for e in _EMAIL.findall(q)}
    if not emails:
        return
    rows = db.session.execute(
        select(User.email, User.password_hash).where(
            User.email.in_(sorted(emails)[:EMAILS_CHECKED])
        )
    ).all()
    for email, stored in rows:
        if stored and stored not in q and str(escape(stored)) in page:
            solved(LESSON, "union-dump", f"a search answered with {email} and its password value")
            return


def watch(sender, response, **_extra) -> None:
    """``request_finished``: the listing form and quoted searches only."""
    if request.endpoint == "listings.create" and request.method == "POST":
        fields = (form_field("title"), form_field("description"))
        if _quoted(*fields) or any(BACKSLASH in value for value in fields):
            _check_created_listing(response)
    elif request.endpoint == "listings.index":
        q = request.args.get("q", "")
        if _quoted(q):
            _check_search(response, q)


def install(app) -> None:
    request_finished.connect(watch, app, weak=False)
    with app.app_context():
        event.listen(db.engine, "handle_error", on_database_error)
