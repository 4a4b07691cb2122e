"""The current time, replaceable in tests through ``app.config["CLOCK"]``."""

from datetime import UTC, datetime

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """Naive UTC now: one convention for SQLite and PostgreSQL alike."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return datetime.now(UTC).replace(tzinfo=None)
