"""Database models: users, listings, server-side sessions, remember-me tokens, lesson stages,
throttle counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from .clock import utcnow
from .extensions import db

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
NAME_MAX = 100
# A shop greeting with {{ name }} / {{ count }} placeholders (the template-injection lesson).
GREETING_MAX = 300
EMAIL_MAX = 254
PHOTO_NAME_MAX = 255
# Ids are INTEGER columns: routes refuse (404) larger ids before they reach a database
# driver that cannot bind them (SQLite: OverflowError; PostgreSQL: out of range).
ID_MAX = 2**31 - 1


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(NAME_MAX))
    # Stored lower-cased, so the unique index is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    greeting: Mapped[str] = mapped_column(String(GREETING_MAX), default="", server_default="")

    listings: Mapped[list[Listing]] = relationship(
        back_populates="author", cascade="all, delete-orphan", passive_deletes=True
    )
    # No foreign key on purpose: whether a deleted user's sessions die with it is
    # a decision of the broken-deauthentication lesson, not of the schema.
    sessions: Mapped[list[UserSession]] = relationship(
        primaryjoin=lambda: User.id == foreign(UserSession.user_id),
        viewonly=True,
    )

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(select(cls).where(cls.email == cls.normalise_email(email)))


class Listing(db.Model):
    __tablename__ = "listings"
    __table_args__ = (Index("ix_listings_created_at_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The photo's name inside the uploads folder (marketplace/photos.py), if it has one.
    photo: Mapped[str | None] = mapped_column(String(PHOTO_NAME_MAX), default=None)

    author: Mapped[User] = relationship(back_populates="listings")


class UserSession(db.Model):
    """A server-side session; the cookie carries only ``key``."""

    __tablename__ = "sessions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class RememberToken(db.Model):
    """A "remember me" token of the weak-secret-key lesson's server-side-tokens stage.

    Only a SHA-256 of the token is kept: a copy of this table logs nobody in.
    """

    __tablename__ = "remember_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class IssuedRememberCookie(db.Model):
    """Lab mode only: a digest of every "remember me" cookie the app handed out, so the
    weak-secret-key challenges can tell a forged cookie from one the server issued."""

    __tablename__ = "remember_cookies_issued"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonStage(db.Model):
    """The active stage of a lesson, shared by every worker and instance."""

    __tablename__ = "lesson_stages"

    lesson: Mapped[str] = mapped_column(String(64), primary_key=True)
    stage: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ThrottleCounter(db.Model):
    """One throttling window (``marketplace.throttling``): a keyed hash, hits, its end."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(index=True)


def count(model, *where) -> int:
    """How many rows of ``model`` (matching every ``where`` condition) there are."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


# The counters and the search index the database keeps in step (created with the tables).
from . import derived  # noqa: E402, F401

# Challenge progress (issue 13) lives with its package; its tables are created with these.
from .challenges import models as challenge_models  # noqa: E402, F401
