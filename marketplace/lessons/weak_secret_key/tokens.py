"""Server-side "remember me" tokens: random, stored only as a SHA-256, revocable.

The helpers the server-side-tokens stage is built from (and a learner's own fix may use).
A token is 32 random bytes; the table keeps its SHA-256, so a stolen copy of the table (a
backup, an SQL injection) logs nobody in, and a fast hash is enough: the token is not a
password a person chose, there is nothing to guess.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.models import RememberToken, User

LIFETIME = timedelta(days=30)
TOKEN_MAX = 128  # token_urlsafe(32) is 43 characters; anything much longer is not ours


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        RememberToken(
            user_id=user.id, token_hash=digest(token), created_at=now, expires_at=now + LIFETIME
        )
    )
    db.session.commit()
    return token


def user_of(token: str) -> User | None:
    if not token or len(token) > TOKEN_MAX:
        return None
    row = db.session.scalar(select(RememberToken).where(RememberToken.token_hash == digest(token)))
    if row is None:
        return None
    if row.expires_at < utcnow():
        db.session.delete(row)
        db.session.commit()
        return None
    return db.session.get(User, row.user_id)


def revoke_all(user_id: int) -> int:
    """Delete every token of a user; returns how many."""
    result = db.session.execute(delete(RememberToken).where(RememberToken.user_id == user_id))
    db.session.commit()
    return result.rowcount or 0
