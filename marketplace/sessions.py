"""Server-side sessions: a login's cookie holds an opaque random key, its data a database row.

A visitor who is not logged in has nothing worth a row: their session (a CSRF secret, a
flashed message) travels in a signed cookie, and the row is created at login, under a
fresh key (so a key known before login is useless after). Before this, every cookieless
request that rendered a form added a row (issue 9: 200 requests, 200 rows).

Expiry is enforced here (idle and absolute); revocation helpers are what the
broken-deauthentication lesson's stages call on logout, password change and deletion.
A service below the lessons: the app's session interface, which asks that lesson's active
stage which store to use, is ``lesson_sessions.py``.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime

from flask import current_app
from flask.sessions import SessionInterface, SessionMixin, session_json_serializer
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import CallbackDict

from .clock import utcnow
from .extensions import db, rollback_quietly
from .models import User, UserSession

log = logging.getLogger(__name__)

# Refreshing last_seen_at on every request would write on every read; a minute is enough
# resolution for an idle timeout measured in tens of minutes.
TOUCH_INTERVAL_SECONDS = 60
# Not Flask's "cookie-session": a cookie the broken-deauthentication lesson's client-cookie
# stage signed (which holds a login) must never read as an anonymous session here.
ANONYMOUS_SALT = "marketplace-anonymous-session"
# What makes a session worth a row: the login the broken-deauthentication stages store.
LOGIN_KEY = "user_id"


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
        self.from_cookie = False  # an anonymous session read from its signed cookie


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


def _anonymous_serializer(app) -> URLSafeSerializer:
    return URLSafeSerializer(
        app.secret_key, salt=ANONYMOUS_SALT, serializer=session_json_serializer
    )


def _open_anonymous(app, value: str) -> ServerSession:
    """The anonymous session in a signed cookie; anything forged, stale or odd is dropped."""
    try:
        payload = _anonymous_serializer(app).loads(value)
        data, seen = payload["data"], datetime.fromtimestamp(payload["seen"], UTC)
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return _forget_cookie()
    idle = utcnow() - seen.replace(tzinfo=None)
    # Defence in depth: only this module signs these, and never with a login in them; a
    # login must come from a row, or revoking rows would not end it.
    if not isinstance(data, dict) or LOGIN_KEY in data:
        return _forget_cookie()
    if idle > current_app.config["SESSION_IDLE_TIMEOUT"]:
        return _forget_cookie()
    session = ServerSession(data, new=False)
    session.from_cookie = True
    session.touch = idle.total_seconds() > TOUCH_INTERVAL_SECONDS
    return session


def _session_and_user(key: str) -> tuple[UserSession | None, User | None]:
    """The session row and its user, by one query: the caller keeps the user referenced
    for the request, so it stays in the ORM's identity map (which holds objects weakly)
    and the login's ``db.session.get(User, id)`` costs no second query (one query fewer
    on every logged-in request, issue 16)."""
    found = db.session.execute(
        select(UserSession, User)
        .outerjoin(User, User.id == UserSession.user_id)
        .where(UserSession.key == key)
    ).first()
    return (found[0], found[1]) if found else (None, None)


class ServerSideSessionInterface(SessionInterface):
    """Flask session interface: logins in the ``sessions`` table, anonymous in a cookie."""

    def open_session(self, app, request) -> ServerSession:
        key = request.cookies.get(self.get_cookie_name(app))
        if not key or len(key) > 4096:
            return ServerSession()
        if "." in key:  # signed data; a key is URL-safe base64 and never has a dot
            return _open_anonymous(app, key)
        if len(key) > 64:
            return ServerSession()
        try:
            row, user = _session_and_user(key)
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
        session.loaded_user = user  # see _session_and_user
        return session

    def save_session(self, app, session: ServerSession, response) -> None:
        if getattr(session, "unavailable", False):
            return  # never overwrite or delete a session we could not read
        try:
            self._save(app, session, response)
        except SQLAlchemyError:
            rollback_quietly()
            log.warning("session not saved: the database is not answering")

    def _set_cookie(self, app, response, value: str) -> None:
        response.set_cookie(
            self.get_cookie_name(app),
            value,
            httponly=self.get_cookie_httponly(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
        )
        response.vary.add("Cookie")

    def _save_anonymous(self, app, session: ServerSession, response) -> None:
        """No login: no row (a login that just ended loses its row), the data in a cookie."""
        had_row = bool(session.key and not session.new)
        if had_row:
            db.session.execute(delete(UserSession).where(UserSession.key == session.key))
            db.session.commit()
        if not session:
            if session.modified or had_row or session.from_cookie:
                response.delete_cookie(
                    self.get_cookie_name(app),
                    domain=self.get_cookie_domain(app),
                    path=self.get_cookie_path(app),
                )
            return
        if session.modified or session.touch or had_row:
            seen = utcnow().replace(tzinfo=UTC).timestamp()
            value = _anonymous_serializer(app).dumps({"data": dict(session), "seen": seen})
            self._set_cookie(app, response, value)

    def _save(self, app, session: ServerSession, response) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if session.get(LOGIN_KEY) is None:
            self._save_anonymous(app, session, response)
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
        row.user_id = session.get(LOGIN_KEY)
        db.session.commit()
        self._set_cookie(app, response, session.key)
