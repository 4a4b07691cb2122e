"""The seam of the xxe lesson: what every stage module defines."""

from typing import Protocol


class XxeSeam(Protocol):
    """Parsing the XML bulk upload of listings."""

    def parse_listings(self, data: bytes) -> list[tuple[str, str]]:
        """``(title, description)`` of every ``<listing>``; raises
        ``marketplace.uploads.UploadError`` with a message for a refused document."""
        ...
