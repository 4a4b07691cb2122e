"""The seam of the sensitive-data-exposure lesson: what every stage module defines."""

from typing import Any, Protocol

from marketplace.models import Listing


class SensitiveDataExposureSeam(Protocol):
    """Serialising listings and their authors for /api/v1/listings."""

    def serialize_listing(self, listing: Listing) -> dict[str, Any]:
        """The JSON object the API returns for ``listing``."""
        ...
