"""Wrong fix: the owner check guards the edit *page*; the form posts are not checked.

Opening another user's listing now answers 404, as if the edit link were hidden. But
the edit and delete forms post to URLs anyone can type, and a POST loads the listing
without asking whose it is.

Caught by: edit-foreign-listing
"""

from flask import abort, request

from marketplace.extensions import db
from marketplace.models import Listing


def load_listing_for_change(listing_id: int, user) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        abort(404, description="No listing has this number.")
    if request.method == "GET" and listing.user_id != user.id:
        abort(404, description="No listing of yours has this number.")
    return listing
