"""The JSON API: listings, paginated, serialised by the sensitive-data-exposure lesson."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .derived import LISTINGS, read_counter
from .lessons import active
from .models import Listing, count
from .pagination import MAX_OFFSET, cursor_arg, cursor_of, listing_page, page_number

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/listings")
def listings():
    """Listings, newest first.

    Page mode (default, ``?page=``, ``?per_page=`` up to 100, shallow offsets only):
    ``{"items", "page", "pages", "total", "next"}``. Cursor mode (``?after=<next>``):
    ``{"items", "next"}``, O(page) at any depth and stable while listings are added.
    """
    per_page = page_number("per_page", default=current_app.config["LISTINGS_PER_PAGE"], maximum=100)
    serialize = active("sensitive-data-exposure").serialize_listing
    after = cursor_arg("after")
    if after is not None:
        rows, more = listing_page(per_page, after=after)
        return jsonify(
            items=[serialize(row) for row in rows],
            next=cursor_of(rows[-1]) if more else None,
        )
    page = page_number(
        maximum=max(1, MAX_OFFSET // per_page),
        hint=" For deeper pages follow `next` (?after=<cursor>).",
    )
    total = listing_total()
    rows, more = listing_page(per_page, offset=(page - 1) * per_page)
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
        total = count(Listing)
    return total


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API (``marketplace/openapi.json``)."""
    from .openapi import spec_response

    return spec_response()
