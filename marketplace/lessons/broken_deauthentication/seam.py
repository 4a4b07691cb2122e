"""The seam of the broken-deauthentication lesson: what every stage module defines."""

from typing import Any, Protocol

from flask.sessions import SessionInterface, SessionMixin

from marketplace.models import User


class BrokenDeauthenticationSeam(Protocol):
    """The session: where a login is kept, and what logout, a password change and an
    account deletion revoke."""

    def session_interface(self) -> SessionInterface:
        """The Flask session interface this stage keeps sessions with."""
        ...

    def current_login(self, session: SessionMixin) -> dict[str, Any] | None:
        """``{"user_id", "full_name"}`` when the session says someone is logged in."""
        ...

    def log_in(self, session: SessionMixin, user: User) -> None:
        """Record a successful login in the session."""
        ...

    def log_out(self, session: SessionMixin) -> None:
        """End the login of this session."""
        ...

    def password_changed(self, session: SessionMixin, user: User) -> None:
        """``user`` changed their password in this session: revoke what must be revoked."""
        ...

    def account_deleted(self, session: SessionMixin, user: User) -> None:
        """``user`` deleted their account in this session: revoke what must be revoked."""
        ...
