"""The seam of the ssrf lesson: what every stage module defines."""

from typing import Protocol

from marketplace.photos import FetchedPhoto


class SsrfSeam(Protocol):
    """Fetching the photo a seller gives by URL."""

    def fetch_photo(self, url: str) -> FetchedPhoto:
        """The image at ``url`` and the URL it finally came from; raises
        ``marketplace.photos.PhotoError`` with a message for a refused address or answer."""
        ...
