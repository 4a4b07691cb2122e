"""The seam of the xss lesson: what every stage module defines."""

from typing import Protocol

from markupsafe import Markup


class XssSeam(Protocol):
    """The profile edit template's full-name input, and the Content-Security-Policy."""

    def full_name_input(self, value: str) -> Markup:
        """The ``<input id="full_name">`` of the profile form, holding ``value``."""
        ...

    def content_security_policy(self, nonce: str) -> str | None:
        """The Content-Security-Policy header for app pages (``nonce`` for scripts), or None."""
        ...
