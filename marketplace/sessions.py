"""Server-side sessions: the cookie holds an opaque random key, the data lives in the database.

Expiry is enforced here (idle and absolute); revocation helpers are what the
broken-deauthentication lesson's stages call on logout, password change and deletion.
A service below the lessons: the app's session interface, which asks that lesson's active
stage which store to use, is ``lesson_sessions.py``.
"""

from __future__ import annotations

import logging
import secrets

from flask import current_app
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import CallbackDict

from .clock import utcnow
from .extensions import db, rollback_quietly
from .models import UserSession

log = logging.getLogger(__name__)

# Refreshing last_seen_at on every request would write on every read; a minute is enough
# resolution for an idle timeout measured in tens of minutes.
TOUCH_INTERVAL_SECONDS = 60


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, key: str | None = None, new: bool = True):
        def on_update(_self):
            _self.modified = True

        super().__init__(initial, on_update)
        self.key = key
        self.new = new
        self.modified = False
        self.rotate_requested = False
        self.touch = False


def new_key() -> str:
    return secrets.token_urlsafe(32)


def is_expired(row: UserSession) -> bool:
    now = utcnow()
    config = current_app.config
    return (
        now - row.last_seen_at > config["SESSION_IDLE_TIMEOUT"]
        or now - row.created_at > config["SESSION_ABSOLUTE_TIMEOUT"]
    )


def purge_expired() -> int:
    """Delete idle-expired session rows (run at login, so the table cannot grow forever).

    One indexed range delete. The idle condition alone is enough: a row past its absolute
    lifetime is either still used (and deleted when read) or soon idle (and purged here).
    """
    cutoff = utcnow() - current_app.config["SESSION_IDLE_TIMEOUT"]
    result = db.session.execute(delete(UserSession).where(UserSession.last_seen_at < cutoff))
    return result.rowcount or 0


def revoke_user_sessions(user_id: int, keep: str | None = None) -> int:
    """Delete every stored session of a user, except ``keep``; returns how many."""
    query = delete(UserSession).where(UserSession.user_id == user_id)
    if keep:
        query = query.where(UserSession.key != keep)
    result = db.session.execute(query)
    db.session.commit()
    return result.rowcount or 0


def _forget_cookie() -> ServerSession:
    """An empty session whose response tells the browser to drop its dead cookie."""
    session = ServerSession()
    session.modified = True
    return session


class ServerSideSessionInterface(SessionInterface):
    """Flask session interface backed by the ``sessions`` table."""

    def open_session(self, app, request) -> ServerSession:
        key = request.cookies.get(self.get_cookie_name(app))
        if not key or len(key) > 64:
            return ServerSession()
        try:
            row = db.session.get(UserSession, key)
        except SQLAlchemyError:
            # The database is away: carry on anonymous; views that need it answer 503.
            rollback_quietly()
            session = ServerSession(key=key, new=False)
            session.unavailable = True
            return session
        if row is None:
            return _forget_cookie()
        if is_expired(row):
            db.session.delete(row)
            db.session.commit()
            return _forget_cookie()
        session = ServerSession(dict(row.data or {}), key=key, new=False)
        session.touch = (utcnow() - row.last_seen_at).total_seconds() > TOUCH_INTERVAL_SECONDS
        return session

    def save_session(self, app, session: ServerSession, response) -> None:
        if getattr(session, "unavailable", False):
            return  # never overwrite or delete a session we could not read
        try:
            self._save(app, session, response)
        except SQLAlchemyError:
            rollback_quietly()
            log.warning("session not saved: the database is not answering")

    def _save(self, app, session: ServerSession, response) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if not session:
            if session.key and not session.new:
                db.session.execute(delete(UserSession).where(UserSession.key == session.key))
                db.session.commit()
            if session.modified or session.key:
                response.delete_cookie(name, domain=domain, path=path)
            return
        if session.rotate_requested and session.key:
            # A new key for a new privilege level: a key seen before login is useless after.
            db.session.execute(delete(UserSession).where(UserSession.key == session.key))
            session.key = None
        if session.rotate_requested:
            purge_expired()  # a login: a cheap moment to sweep out dead sessions
        if session.key is None:
            session.key = new_key()
            row = UserSession(key=session.key, created_at=utcnow(), last_seen_at=utcnow())
            db.session.add(row)
        elif session.modified or session.touch:
            row = db.session.get(UserSession, session.key)
            if row is None:  # revoked while this request ran: do not resurrect it
                response.delete_cookie(name, domain=domain, path=path)
                return
            row.last_seen_at = utcnow()
        else:
            return
        row.data = dict(session)
        row.user_id = session.get("user_id")
        db.session.commit()
        response.set_cookie(
            name,
            session.key,
            httponly=self.get_cookie_httponly(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            domain=domain,
            path=path,
        )
        response.vary.add("Cookie")
