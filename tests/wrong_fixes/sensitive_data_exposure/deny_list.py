"""Wrong fix: a deny-list of secret columns instead of an allow-list of public ones.

The password hash and the sessions are left out, but the author's e-mail address (and
every column added later) still goes out to anyone who reads the API.

Caught by: api-leaks-secrets
"""

from datetime import datetime

DENIED = {"password_hash", "sessions"}


def _value(value):
    return value.isoformat() + "Z" if isinstance(value, datetime) else value


def _columns(obj) -> dict:
    return {
        c.name: _value(getattr(obj, c.key)) for c in obj.__table__.columns if c.name not in DENIED
    }


def serialize_listing(listing) -> dict:
    data = _columns(listing)
    data["author"] = _columns(listing.author)
    return data
