"""10/code: a generic serialiser dumps every column and follows every relationship.

Unsafe: it answers "what does the API return?" with "whatever the model has". The listing's
author is a ``User`` row, so the public API hands out the author's e-mail, password hash
and, through ``User.sessions``, the key of every live session, which is exactly what the
session cookie carries. Nobody decided to publish these; the helper did, and it will also
publish every column anyone adds later.
"""

from datetime import datetime

from sqlalchemy import inspect


def _value(value):
    return value.isoformat() + "Z" if isinstance(value, datetime) else value


def _dump(obj, path: tuple) -> dict:
    mapper = inspect(obj).mapper
    data = {c.key: _value(getattr(obj, c.key)) for c in mapper.column_attrs}  # VULNERABLE
    for rel in mapper.relationships:  # VULNERABLE: and everything reachable from it
        if rel.mapper in path:
            continue  # do not walk back to where we came from
        related = getattr(obj, rel.key)
        if rel.uselist:
            data[rel.key] = [_dump(item, (*path, mapper)) for item in related]
        else:
            data[rel.key] = _dump(related, (*path, mapper)) if related is not None else None
    return data


def serialize_listing(listing) -> dict:
    return _dump(listing, ())
