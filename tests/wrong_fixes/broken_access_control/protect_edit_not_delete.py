"""Wrong fix: the owner check on the edit view only; delete was forgotten.

The seam loads the listing for both views. This fix checks the owner only when the edit
view asks, so the delete button's URL still deletes anybody's listing.

Caught by: delete-foreign-listing
"""

from flask import abort, request

from marketplace.extensions import db
from marketplace.models import Listing


def load_listing_for_change(listing_id: int, user) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        abort(404, description="No listing has this number.")
    if request.endpoint == "listings.edit" and listing.user_id != user.id:
        abort(404, description="No listing of yours has this number.")
    return listing
