"""Counters for throttling (failed logins, e-mail changes), seen by every process.

The counters live in the app's database (table ``throttle_counters``) unless
``MARKETPLACE_RATELIMIT_URL`` names a Redis server; either way every gunicorn worker,
every instance and the ``marketplace`` CLI see the same counts, so ``marketplace lab
reset`` in another terminal clears what a running server counted. Nothing is kept in
one process's memory.

A counter is a fixed window: the first hit opens it for ``window`` seconds, later hits
add to it, and when it ends the count is gone. Keys are keyed hashes (HMAC with the
app's secret key) of their parts, so neither e-mail addresses nor client addresses are
stored, and a stolen table cannot be reversed with a list of candidate addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from flask import current_app
from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .clock import utcnow
from .extensions import db
from .models import ThrottleCounter

log = logging.getLogger(__name__)

REDIS_PREFIX = "marketplace-throttle:"


@dataclass(frozen=True)
class Count:
    """How many hits the current window holds, and how long until it ends."""

    hits: int
    seconds_left: int


NONE = Count(0, 0)


class Store(Protocol):
    def get(self, key: str) -> Count: ...
    def hit(self, key: str, window: int) -> Count: ...
    def clear(self, key: str) -> None: ...
    def clear_all(self) -> None: ...


class DatabaseStore:
    """One row per live window; ended windows are deleted after every hit."""

    def get(self, key: str) -> Count:
        now = utcnow()
        row = db.session.execute(
            select(ThrottleCounter.hits, ThrottleCounter.expires_at).where(
                ThrottleCounter.key == key, ThrottleCounter.expires_at > now
            )
        ).first()
        return Count(row.hits, _seconds(row.expires_at - now)) if row else NONE

    def hit(self, key: str, window: int) -> Count:
        # Its own transaction: the view's pending work is neither committed nor rolled back.
        now = utcnow()
        ends = now + timedelta(seconds=window)
        with db.engine.begin() as conn:
            if not self._add_one(conn, key, now, ends):
                try:
                    with conn.begin_nested():
                        conn.execute(
                            ThrottleCounter.__table__.insert().values(
                                key=key, hits=1, expires_at=ends
                            )
                        )
                except IntegrityError:  # another worker opened this window meanwhile
                    self._add_one(conn, key, now, ends)
            row = conn.execute(
                select(ThrottleCounter.hits, ThrottleCounter.expires_at).where(
                    ThrottleCounter.key == key
                )
            ).one()
        self._prune(now)
        return Count(row.hits, _seconds(row.expires_at - now))

    @staticmethod
    def _add_one(conn, key: str, now, ends) -> bool:
        """One more hit in one statement; an ended window restarts at 1."""
        ended = ThrottleCounter.expires_at <= now
        done = conn.execute(
            update(ThrottleCounter)
            .where(ThrottleCounter.key == key)
            .values(
                hits=case((ended, 1), else_=ThrottleCounter.hits + 1),
                expires_at=case((ended, ends), else_=ThrottleCounter.expires_at),
            )
        )
        return done.rowcount > 0

    @staticmethod
    def _prune(now) -> None:
        """Delete ended windows, so the table holds only the keys touched within one window."""
        try:
            with db.engine.begin() as conn:
                conn.execute(delete(ThrottleCounter).where(ThrottleCounter.expires_at <= now))
        except SQLAlchemyError:  # a concurrent prune holds the rows: the next one will do
            log.debug("throttle prune skipped", exc_info=True)

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(ThrottleCounter).where(ThrottleCounter.key == key))

    def clear_all(self) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(ThrottleCounter))


class RedisStore:
    """One Redis key per window, expiring with it (``SET NX EX`` then ``INCR``, atomically)."""

    def __init__(self, url: str, namespace: str = ""):
        import redis

        self.redis = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self.prefix = f"{REDIS_PREFIX}{namespace}:" if namespace else REDIS_PREFIX

    def get(self, key: str) -> Count:
        hits, ttl = self.redis.pipeline().get(self.prefix + key).ttl(self.prefix + key).execute()
        return Count(int(hits), max(int(ttl), 1)) if hits is not None and ttl != -2 else NONE

    def hit(self, key: str, window: int) -> Count:
        name = self.prefix + key
        pipe = self.redis.pipeline()  # MULTI/EXEC: the three run as one
        _set, hits, ttl = pipe.set(name, 0, ex=window, nx=True).incr(name).ttl(name).execute()
        return Count(int(hits), max(int(ttl), 1))

    def clear(self, key: str) -> None:
        self.redis.delete(self.prefix + key)

    def clear_all(self) -> None:
        batch = []
        for name in self.redis.scan_iter(match=self.prefix + "*", count=500):
            batch.append(name)
            if len(batch) >= 500:
                self.redis.delete(*batch)
                batch.clear()
        if batch:
            self.redis.delete(*batch)


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))


def store() -> Store:
    """This app's store: Redis when MARKETPLACE_RATELIMIT_URL is set, else the database."""
    app = current_app._get_current_object()
    found = app.extensions.get("throttle_store")
    if found is None:
        url = app.config.get("RATELIMIT_STORAGE_URI") or ""
        if url:
            found = RedisStore(url, app.config.get("RATELIMIT_KEY_PREFIX") or "")
        else:
            found = DatabaseStore()
        app.extensions["throttle_store"] = found
    return found


def key(*parts: str) -> str:
    """A keyed hash of the parts: stable for this secret key, reveals none of them."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = "\x1f".join(parts).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:48]


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` hits per ``minutes`` for one key (e.g. one account)."""

    name: str
    limit: int
    minutes: int = 15

    @property
    def window(self) -> int:
        return self.minutes * 60

    def key(self, *parts: str) -> str:
        return key(self.name, *parts)

    def count(self, *parts: str) -> Count:
        return store().get(self.key(*parts))

    def hit(self, *parts: str) -> Count:
        return store().hit(self.key(*parts), self.window)

    def clear(self, *parts: str) -> None:
        store().clear(self.key(*parts))


def minutes_left(count: Count) -> str:
    minutes = max(1, -(-count.seconds_left // 60))
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


# Changing one's e-mail tells whether the new one is taken: every change (to a free or a
# taken address) counts, per user and per client address, so probing is slow.
EMAIL_CHANGES = (Rule("email-change-user", 5), Rule("email-change-address", 20))


def email_change_refusal(user_id: int, address: str) -> str | None:
    """A message when this user or address changed e-mails too often; else count this one."""
    parts = (str(user_id), address)
    try:
        for rule, part in zip(EMAIL_CHANGES, parts, strict=True):
            count = rule.count(part)
            if count.hits >= rule.limit:
                return f"Too many e-mail changes; try again in {minutes_left(count)}."
        for rule, part in zip(EMAIL_CHANGES, parts, strict=True):
            rule.hit(part)
    except Exception:  # noqa: BLE001 - fail closed: the counter store is unreachable
        log.exception("throttle storage unreachable")
        return "E-mail changes are paused for a moment; try again later."
    return None


def clear_all() -> None:
    """Forget every counter (a lab reset); logged, not raised, if the store is away."""
    try:
        store().clear_all()
    except Exception:  # noqa: BLE001 - a stage switch must not fail because Redis is away
        log.exception("throttle storage unreachable; counters not cleared")
