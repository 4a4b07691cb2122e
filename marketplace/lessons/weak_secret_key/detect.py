"""The challenges' detector: a "remember me" cookie the server never issued logged someone in.

Lab mode only. Every cookie the app hands out is recorded by digest when it is issued
(``remembered``); when a cookie restores a login (``restored``) and its digest was never
recorded, it was forged, and it worked: that is the effect both challenges aim at. A forged
cookie that verifies with the app's own secret key was made with the leaked key
(forge-with-leaked-key); any other was signed with a key found some other way, a cracked
or a guessed one (crack-and-forge). Called from ``marketplace/remember_me.py``, never from a
stage, so it works the same at every stage, a learner's own included.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadData
from sqlalchemy import delete

from marketplace.challenges import solved
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.models import IssuedRememberCookie

from .signed import serializer
from .tokens import LIFETIME, digest

LESSON = "weak-secret-key"


def _lab() -> bool:
    return bool(current_app.config.get("LAB_ENABLED"))


def remembered(token: str) -> None:
    """A cookie the app issued itself: never evidence of a forgery."""
    if not _lab():
        return
    key = digest(token)
    if db.session.get(IssuedRememberCookie, key) is None:
        # Bounded: a cookie older than its lifetime restores nothing, so it needs no record.
        db.session.execute(
            delete(IssuedRememberCookie).where(
                IssuedRememberCookie.created_at < utcnow() - LIFETIME
            )
        )
        db.session.add(IssuedRememberCookie(digest=key))
        db.session.commit()


def _signed_with_app_key(token: str) -> bool:
    try:
        serializer(current_app.secret_key).loads(token)
    except BadData:
        return False
    return True


def restored(token: str, user) -> None:
    """A cookie just restored ``user``'s login: was it one the app issued?"""
    if not _lab() or db.session.get(IssuedRememberCookie, digest(token)) is not None:
        return
    if _signed_with_app_key(token):
        solved(
            LESSON,
            "forge-with-leaked-key",
            f"a remember-me cookie the app never issued, signed with its own secret key, "
            f"logged in {user.email}",
        )
    else:
        solved(
            LESSON,
            "crack-and-forge",
            f"a remember-me cookie the app never issued, signed with another key, "
            f"logged in {user.email}",
        )
