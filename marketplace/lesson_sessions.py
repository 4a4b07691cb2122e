"""The app's session interface: the broken-deauthentication lesson's active stage decides.

Web layer (above the lessons); the server-side store itself is ``sessions.py``.
"""

from __future__ import annotations

from flask.sessions import SessionInterface

from .lessons import active


class LessonSessionInterface(SessionInterface):
    """Asks the broken-deauthentication lesson which session store is active."""

    @staticmethod
    def _delegate() -> SessionInterface:
        return active("broken-deauthentication").session_interface()

    def open_session(self, app, request):
        interface = self._delegate()
        session = interface.open_session(app, request)
        session._interface = interface  # save with the store it was opened from
        return session

    def make_null_session(self, app):
        return self._delegate().make_null_session(app)

    def save_session(self, app, session, response) -> None:
        interface = getattr(session, "_interface", None) or self._delegate()
        interface.save_session(app, session, response)
