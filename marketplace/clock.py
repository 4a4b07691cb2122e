"""The current time, replaceable in tests through ``app.config["CLOCK"]``."""

from datetime import UTC, datetime

from flask import current_app, has_app_context
from markupsafe import Markup, escape


def utcnow() -> datetime:
    """Naive UTC now: one convention for SQLite and PostgreSQL alike."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return datetime.now(UTC).replace(tzinfo=None)


def time_element(value: datetime | str | None) -> Markup:
    """``<time datetime="…Z">YYYY-MM-DD HH:MM UTC</time>``: to the minute, machine-readable.

    Stored times are naive UTC; a value that is not a datetime is shown as it is.
    """
    if not isinstance(value, datetime):
        return escape("" if value is None else value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    # Both values are strftime's digits, dashes and colons: nothing to escape, so no
    # Markup.format (which cost a listings page a fifth of its time, issue 16), and the
    # linters' warning about Markup of an f-string does not apply here.
    stamp, shown = f"{value:%Y-%m-%dT%H:%M:%S}", f"{value:%Y-%m-%d %H:%M}"
    return Markup(f'<time datetime="{stamp}Z">{shown} UTC</time>')  # noqa: S704 # nosec B704
