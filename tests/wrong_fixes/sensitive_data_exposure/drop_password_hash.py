"""Wrong fix: the generic serialiser, minus the password hash.

The field everybody worries about is gone. The author's e-mail and, through
``User.sessions``, the key of every live session are still dumped, and a session key is
as good as the password: put it in a cookie and you are the author.

Caught by: hijack-with-leaked-key
"""

from datetime import datetime

from sqlalchemy import inspect

HIDDEN = {"password_hash"}


def _value(value):
    return value.isoformat() + "Z" if isinstance(value, datetime) else value


def _dump(obj, path: tuple) -> dict:
    mapper = inspect(obj).mapper
    data = {c.key: _value(getattr(obj, c.key)) for c in mapper.column_attrs if c.key not in HIDDEN}
    for rel in mapper.relationships:
        if rel.mapper in path:
            continue
        related = getattr(obj, rel.key)
        if rel.uselist:
            data[rel.key] = [_dump(item, (*path, mapper)) for item in related]
        else:
            data[rel.key] = _dump(related, (*path, mapper)) if related is not None else None
    return data


def serialize_listing(listing) -> dict:
    return _dump(listing, ())
