"""Wrong fix (disables the feature): the search returns nothing, so nothing can be injected.

Listings are still created safely (the ORM), but a search never finds anything: no
injection, and no search either.

Caught by: feature create-and-search
"""

from marketplace.extensions import db
from marketplace.models import Listing


def create_listing(title: str, description: str, user_id: int) -> None:
    db.session.add(Listing(title=title, description=description, user_id=user_id))
    db.session.commit()


def search_listings(q: str, limit: int, offset: int) -> list[dict]:
    return []
