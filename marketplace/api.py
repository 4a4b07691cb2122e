"""The JSON API: listings, paginated, serialised by the sensitive-data-exposure lesson."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .extensions import db
from .lessons import active
from .listings import page_number
from .models import Listing

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/listings")
def listings():
    """Listings, newest first: ``{"items", "page", "pages", "total"}``."""
    page = page_number()
    per_page = page_number("per_page", default=20, maximum=100)
    total = db.session.scalar(select(func.count()).select_from(Listing)) or 0
    rows = db.session.scalars(
        select(Listing)
        .options(joinedload(Listing.author))
        .order_by(Listing.created_at.desc(), Listing.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    serialize = active("sensitive-data-exposure").serialize_listing
    return jsonify(
        items=[serialize(row) for row in rows],
        page=page,
        pages=max(1, -(-total // per_page)),
        total=total,
    )


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API (``marketplace/openapi.json``)."""
    from .openapi import spec_response

    return spec_response()
