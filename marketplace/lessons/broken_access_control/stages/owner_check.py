"""8/fix: a listing can be changed only by its author; anyone else gets a 404.

Safe: the query itself is restricted to the logged-in user's listings, so another
user's listing is indistinguishable from one that does not exist.
"""

from flask import abort
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Listing


def load_listing_for_change(listing_id: int, user) -> Listing:
    listing = db.session.scalar(
        select(Listing).where(Listing.id == listing_id, Listing.user_id == user.id)  # FIX
    )
    if listing is None:
        abort(404, description="No listing of yours has this number.")
    return listing
