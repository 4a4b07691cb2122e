"""Friendly error pages: HTML, or JSON under /api/; never a traceback."""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .extensions import db, rollback_quietly

log = logging.getLogger(__name__)

ADVICE = {
    400: "Check the form or the address and try again.",
    401: "Log in and try again.",
    403: "You are not allowed to do this. If you came from another site, start again here.",
    404: "Check the address, or go back to the listings.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is too large; send something smaller.",
    429: "Too many attempts: wait a minute, then try again.",
    500: "Something went wrong on our side; it has been logged. Try again in a moment.",
    503: "The database is not answering; try again in a few seconds.",
}


def error_response(error: HTTPException):
    code = error.code or 500
    description = error.description if code < 500 else ADVICE[code]
    advice = ADVICE.get(code, "")
    if request.path.startswith("/api/"):
        response = jsonify(error=error.name, message=description, status=code)
    else:
        response = render_template(
            "errors/error.html",
            code=code,
            name=error.name,
            description=description,
            advice=advice,
        )
    # The exception's own headers (405's Allow, 401's WWW-Authenticate, ...) belong on the
    # answer; its Content-Type does not, the page above sets that.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if code == 503 and not any(k.lower() == "retry-after" for k, _ in headers):
        headers.append(("Retry-After", "5"))
    return response, code, headers


def _sql_error(exc: Exception) -> bool:
    """sqlite3 raises OperationalError for bad SQL too; that is our bug (500), not an outage."""
    return getattr(getattr(exc, "orig", None), "sqlite_errorname", None) == "SQLITE_ERROR"


def _database_answers() -> bool:
    """Whether a fresh connection can run ``SELECT 1``: asked only after an error, to tell
    an outage from a bug. Bounded by the engine's connect timeout (see create_app)."""
    rollback_quietly()
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except SQLAlchemyError:
        return False
    return True


def register(app) -> None:
    app.register_error_handler(HTTPException, error_response)

    @app.errorhandler(DBAPIError)
    def database_error(exc):
        # A lost connection can surface as any driver error class (InterfaceError
        # "connection is closed", ...): that is an outage too. Anything else is our bug,
        # unless the database turns out not to answer at all (then the cause is the outage).
        if exc.connection_invalidated or isinstance(exc, InterfaceError):
            return database_unavailable(exc)
        if not _database_answers():
            return database_unavailable(exc)
        return unexpected(exc)

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(exc):
        if _sql_error(exc):
            return unexpected(exc)
        log.error("database unavailable: %s", exc.__class__.__name__)
        rollback_quietly()
        return error_response(ServiceUnavailable())

    @app.errorhandler(SQLAlchemyError)
    def session_error(exc):
        # Not a driver error: the ORM's own (a transaction left broken by a connection
        # that died mid-flush, a result whose cursor went with it). While the database
        # does not answer that is the outage's doing; otherwise it is our bug.
        if not _database_answers():
            return database_unavailable(exc)
        return unexpected(exc)

    @app.errorhandler(Exception)
    def unexpected(exc):
        log.exception("unhandled error on %s %s", request.method, request.path)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the page must render even if the DB is gone
            log.warning("rollback failed after an unhandled error")
        return error_response(InternalServerError())
