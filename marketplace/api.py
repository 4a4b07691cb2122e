"""The JSON API: listings, paginated, serialised by the sensitive-data-exposure lesson."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import func, select

from .derived import LISTINGS, read_counter
from .extensions import db
from .lessons import active
from .listings import cursor_arg, page_number
from .models import Listing
from .pagination import MAX_OFFSET, cursor_of, newest_first

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/listings")
def listings():
    """Listings, newest first.

    Page mode (default, ``?page=``, ``?per_page=`` up to 100, shallow offsets only):
    ``{"items", "page", "pages", "total", "next"}``. Cursor mode (``?after=<next>``):
    ``{"items", "next"}``, O(page) at any depth and stable while listings are added.
    """
    per_page = page_number("per_page", default=20, maximum=100)
    serialize = active("sensitive-data-exposure").serialize_listing
    after = cursor_arg("after")
    if after is not None:
        rows = newest_first(per_page + 1, after=after)
        items = rows[:per_page]
        more = len(rows) > per_page
        return jsonify(
            items=[serialize(row) for row in items],
            next=cursor_of(items[-1]) if more else None,
        )
    page = page_number(
        maximum=max(1, MAX_OFFSET // per_page),
        hint=" For deeper pages follow `next` (?after=<cursor>).",
    )
    total = listing_total()
    rows = newest_first(per_page, offset=(page - 1) * per_page)
    more = page * per_page < total
    return jsonify(
        items=[serialize(row) for row in rows],
        page=page,
        pages=max(1, -(-total // per_page)),
        total=total,
        next=cursor_of(rows[-1]) if rows and more else None,
    )


def listing_total() -> int:
    """The exact number of listings: the counter triggers keep (O(1)), else ``COUNT(*)``."""
    total = read_counter(LISTINGS)
    if total is None:  # a database from before migration 0005
        total = db.session.scalar(select(func.count()).select_from(Listing)) or 0
    return total


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API (``marketplace/openapi.json``)."""
    from .openapi import spec_response

    return spec_response()
