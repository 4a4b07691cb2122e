"""The seam of the weak-secret-key lesson: what every stage module defines."""

from typing import Protocol

from marketplace.models import User


class WeakSecretKeySeam(Protocol):
    """The "remember me" cookie: what it holds, how it is checked, what ends it.

    The web layer (``marketplace/remember_me.py``) sets the cookie (HttpOnly, SameSite=Lax,
    Secure in production, 30 days) and, when a visitor has no login, asks the stage whose
    token it is; the login is then restored through the session machinery as a fresh one.
    """

    def issue_token(self, user: User) -> str:
        """The value of a new "remember me" cookie for ``user``."""
        ...

    def user_for_token(self, token: str) -> User | None:
        """The user a cookie value stands for, or None (forged, expired, revoked, odd)."""
        ...

    def revoke_tokens(self, user: User) -> None:
        """End every "remember me" login of ``user`` (logout, password change, deletion)."""
        ...
