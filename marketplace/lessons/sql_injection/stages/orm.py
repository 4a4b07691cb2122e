"""2.3/fix: SQLAlchemy expressions build the SQL; values never become SQL text.

Safe: the ORM sends the search term and the new listing's fields as bound parameters,
and the ``LIKE`` pattern's own wildcards are escaped so a search for ``%`` means ``%``.
"""

from sqlalchemy import or_, select, text

from marketplace.extensions import db
from marketplace.models import Listing, User

from ..rawsql import like_pattern, narrowing


def create_listing(title: str, description: str, user_id: int) -> None:
    db.session.add(Listing(title=title, description=description, user_id=user_id))
    db.session.commit()


def search_listings(q: str, limit: int, offset: int) -> list[dict]:
    pattern = like_pattern(q)
    query = (
        select(
            Listing.id,
            Listing.title,
            Listing.description,
            Listing.created_at,
            User.full_name.label("author_name"),
        )
        .join(User, Listing.user_id == User.id)
        .where(
            or_(
                Listing.title.ilike(pattern, escape="\\"),  # FIX: bound parameters
                Listing.description.ilike(pattern, escape="\\"),
            )
        )
        .order_by(Listing.created_at.desc(), Listing.id.desc())
        .limit(limit)
        .offset(offset)
    )
    condition, params = narrowing(q, table=Listing.__tablename__)
    if condition:  # an index narrows the rows to look at; the ilike above still decides
        query = query.where(text(condition).bindparams(**params))
    return [dict(row._mapping) for row in db.session.execute(query)]
