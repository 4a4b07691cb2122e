"""Keyset ("cursor") pagination of listings, newest first.

A page is "the N listings just older than this one", found by walking the index on
``(created_at, id)`` from a known position: the cost is O(page), however many listings
exist, and rows inserted meanwhile (always newer) never shift the pages a reader is on.
An OFFSET instead makes the database count and skip every earlier row.

A cursor is opaque to clients: url-safe base64 of the last item's ``created_at`` (ISO
8601) and id, without padding. The index page (HTML) and the API (JSON) both read their
``?page=``, ``?after=`` and ``?before=`` here and fetch their page with :func:`listing_page`.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from flask import abort, request
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import ID_MAX, Listing, User

# Offsets past this are refused with a hint to follow cursors: deep OFFSETs are what
# makes a paginated endpoint slow down as the table grows.
MAX_OFFSET = 10_000
CURSOR_MAX_LENGTH = 96


class CursorError(ValueError):
    """A cursor that this server did not hand out."""


def encode_cursor(created_at: datetime, listing_id: int) -> str:
    raw = f"{created_at.isoformat()}|{listing_id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """``(created_at, id)`` from a cursor, or :class:`CursorError` saying what is wrong."""
    if not cursor or len(cursor) > CURSOR_MAX_LENGTH:
        raise CursorError("the cursor is empty or too long")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, sep, ident = raw.decode("ascii").partition("|")
        if not sep or not ident.isdigit() or not 0 < int(ident) <= ID_MAX:
            raise ValueError("no id")
        created_at = datetime.fromisoformat(stamp)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CursorError("the cursor is malformed") from None
    if created_at.tzinfo is not None:
        raise CursorError("the cursor is malformed")
    return created_at, int(ident)


def page_number(name: str = "page", default: int = 1, maximum: int = 10**6, hint: str = "") -> int:
    """A positive page number from the query string, or a 400 that says what is wrong."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    # isdigit() alone accepts "²", which int() refuses: ASCII digits only.
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        abort(400, description=f"{name} must be a whole number from 1 to {maximum}.{hint}")
    return int(raw)


def cursor_arg(name: str) -> tuple[datetime, int] | None:
    """The decoded cursor in ``?<name>=``, None when absent, or a 400 when malformed."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return decode_cursor(raw)
    except CursorError as exc:
        abort(
            400,
            description=f"{name}: {exc}; use the cursor exactly as a previous page gave it.",
        )


def listing_page(
    per_page: int,
    after: tuple[datetime, int] | None = None,
    before: tuple[datetime, int] | None = None,
    offset: int = 0,
    as_rows: bool = False,
) -> tuple[list, bool]:
    """One page of listings, newest first, and whether there is more in the direction of
    travel (older listings; newer ones when paging up with ``before``); ``as_rows`` selects
    only the columns a page shows (dicts) instead of loading ORM entities."""
    rows = newest_first(per_page + 1, after=after, before=before, offset=offset, as_rows=as_rows)
    if before is not None:
        return rows[-per_page:], len(rows) > per_page
    return rows[:per_page], len(rows) > per_page


def cursor_of(row) -> str:
    """The cursor that points just after ``row`` (a Listing or a dict with the same keys)."""
    if isinstance(row, dict):
        return encode_cursor(row["created_at"], row["id"])
    return encode_cursor(row.created_at, row.id)


# What the HTML index shows of a listing: selecting these columns instead of loading ORM
# objects (and their authors) is a third of the page's time saved.
PAGE_COLUMNS = (
    Listing.id,
    Listing.title,
    Listing.description,
    Listing.created_at,
    User.full_name.label("author_name"),
)


def newest_first(
    limit: int,
    after: tuple[datetime, int] | None = None,
    before: tuple[datetime, int] | None = None,
    offset: int = 0,
    as_rows: bool = False,
) -> list:
    """Up to ``limit`` listings, newest first, strictly older than ``after`` or strictly
    newer than ``before`` (the page just above it): Listings with their author loaded, or
    with ``as_rows`` dicts of :data:`PAGE_COLUMNS`."""
    if as_rows:
        query = select(*PAGE_COLUMNS).join(User, Listing.user_id == User.id)
    else:
        query = select(Listing).options(joinedload(Listing.author))

    def run(statement) -> list:
        if as_rows:
            return [dict(row._mapping) for row in db.session.execute(statement)]
        return list(db.session.scalars(statement).all())

    newest = (Listing.created_at.desc(), Listing.id.desc())
    if after is not None:
        at, ident = after
        # ``created_at <= at`` is the index range; the OR only breaks ties on the boundary.
        query = query.where(
            Listing.created_at <= at,
            or_(Listing.created_at < at, and_(Listing.created_at == at, Listing.id < ident)),
        )
    elif before is not None:
        at, ident = before
        query = query.where(
            Listing.created_at >= at,
            or_(Listing.created_at > at, and_(Listing.created_at == at, Listing.id > ident)),
        )
        rows = run(query.order_by(Listing.created_at.asc(), Listing.id.asc()).limit(limit))
        return list(reversed(rows))
    return run(query.order_by(*newest).limit(limit).offset(offset))
