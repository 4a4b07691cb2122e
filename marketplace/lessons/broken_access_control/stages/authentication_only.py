"""8/code: any logged-in user can load any listing for edit or delete.

Unsafe because the views only check that someone is logged in, then load the listing by
the number in the URL. Listing numbers are sequential and visible, so user B can open
``/listings/<A's number>`` and change or delete user A's listing: authentication says
who you are, not what you may touch.
"""

from flask import abort

from marketplace.extensions import db
from marketplace.models import Listing


def load_listing_for_change(listing_id: int, user) -> Listing:
    listing = db.session.get(Listing, listing_id)  # VULNERABLE: whose listing is never asked
    if listing is None:
        abort(404, description="No listing has this number.")
    return listing
