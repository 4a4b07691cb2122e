"""The seam of the csrf lesson: what every stage module defines."""

from typing import Any, Protocol

from flask import Request


class CsrfSeam(Protocol):
    """Protecting the listing forms: CSRF token and Origin check."""

    def listing_form_meta(self) -> dict[str, Any]:
        """Flask-WTF ``meta`` for the listing forms, e.g. ``{"csrf": True}``."""
        ...

    def check_origin(self, request: Request) -> str | None:
        """A refusal message for a state-changing request from another origin, else None."""
        ...
