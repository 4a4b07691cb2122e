"""The seam of the broken-access-control lesson: what every stage module defines."""

from typing import Protocol

from marketplace.models import Listing, User


class BrokenAccessControlSeam(Protocol):
    """Loading a listing for edit and delete."""

    def load_listing_for_change(self, listing_id: int, user: User) -> Listing:
        """The listing ``user`` may change, or ``abort(404)`` with a message."""
        ...
