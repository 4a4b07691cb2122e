"""The seam of the broken-authentication lesson: what every stage module defines.

Depends on another lesson through the web layer only: ``hardened`` verifies a dummy hash
with whatever storage scheme is active (weak-password-storage), by calling the façade
``marketplace.password_storage.dummy_check``, never that lesson's modules.
"""

from typing import Protocol

from marketplace.models import User


class BrokenAuthenticationSeam(Protocol):
    """The login failure path: what a failed login says, how long it takes, how often."""

    def throttled(self, email: str, client: str) -> str | None:
        """A refusal message when this account or client has failed too often, else None."""
        ...

    def record_attempt(self, email: str, client: str, succeeded: bool) -> None:
        """Count one login attempt (the throttle's input)."""
        ...

    def login_failed(self, email: str, user: User | None, password: str) -> str:
        """The message for a failed login; ``user`` is None when no account has ``email``."""
        ...

    def signup_taken(self, email: str) -> str | None:
        """What signup says when ``email`` is taken; None answers as for a new account."""
        ...
