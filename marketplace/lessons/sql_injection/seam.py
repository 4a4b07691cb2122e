"""The seam of the sql-injection lesson: what every stage module under ``stages/`` defines."""

from typing import Protocol


class SqlInjectionSeam(Protocol):
    """Creating a listing and searching listings (/listings/?q=)."""

    def create_listing(self, title: str, description: str, user_id: int) -> None:
        """Insert a listing by ``user_id`` (the listings form) and commit."""
        ...

    def search_listings(self, q: str, limit: int, offset: int) -> list[dict]:
        """Listings whose title or description contains ``q``, newest first: dicts with
        ``id``, ``title``, ``description``, ``created_at`` and ``author_name``."""
        ...
