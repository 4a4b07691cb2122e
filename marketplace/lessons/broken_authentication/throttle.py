"""Failed-login counters for the hardened stage, kept in Flask-Limiter's storage.

The storage is memory by default and Redis when ``MARKETPLACE_RATELIMIT_URL`` is set (then
every worker and every instance shares the counters). Keys carry a hash of the e-mail,
never the address itself. Unknown e-mails are counted exactly like registered ones, so
a lock-out says nothing about who has an account.

Counters belong to a *generation*: setting or resetting the lesson's stage starts a new
one (see :func:`forget_all`), so old counters are never read again and simply expire.
That keeps one exploit's lock-out from spilling into the next run, or into other lessons
whose exploits log in from the same loopback address.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass, field

from flask import current_app
from limits import RateLimitItem, parse

from marketplace.extensions import limiter

log = logging.getLogger(__name__)

NAMESPACE = "broken-authentication"
GENERATION_TTL = 30 * 24 * 3600


def _prefix() -> str:
    return current_app.config.get("RATELIMIT_KEY_PREFIX") or ""


def _generation_key() -> str:
    return f"{_prefix()}{NAMESPACE}/generation"


def forget_all(_sender=None, **_kwargs) -> None:
    """Start a new generation: every earlier counter is forgotten (called on stage changes)."""
    if not limiter.enabled:
        return
    try:
        limiter.storage.incr(_generation_key(), GENERATION_TTL)
    except Exception:  # noqa: BLE001 - a stage switch must not fail because Redis is away
        log.exception("login throttle storage unreachable; counters not reset")


def _account(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Throttle:
    """Limits on *failed* logins, per account and per client address ("5 per 15 minutes")."""

    per_account: str
    per_client: str
    _items: tuple[RateLimitItem, RateLimitItem] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_items", (parse(self.per_account), parse(self.per_client)))

    def _keys(self, email: str, client: str):
        generation = str(limiter.storage.get(_generation_key()))
        account, per_client = self._items
        yield account, (_prefix(), NAMESPACE, generation, "account", _account(email))
        yield per_client, (_prefix(), NAMESPACE, generation, "client", client)

    def refusal(self, email: str, client: str) -> str | None:
        """A message if this login must be refused unchecked; None to go ahead."""
        if not limiter.enabled:
            return None
        try:
            for item, ids in self._keys(email, client):
                if not limiter.limiter.test(item, *ids):
                    reset_at, _remaining = limiter.limiter.get_window_stats(item, *ids)
                    minutes = max(1, math.ceil((reset_at - time.time()) / 60))
                    return (
                        "Too many failed logins for this account or from your address. "
                        f"Try again in {minutes} minute{'s' if minutes > 1 else ''}."
                    )
        except Exception:  # noqa: BLE001 - the storage is away: fail closed, say so
            log.exception("login throttle storage unreachable")
            return "Logging in is paused for a moment (the login counter is unreachable)."
        return None

    def failed(self, email: str, client: str) -> None:
        if limiter.enabled:
            for item, ids in self._keys(email, client):
                limiter.limiter.hit(item, *ids)

    def succeeded(self, email: str, client: str) -> None:
        """A good login clears its account's failures (not the address's)."""
        if limiter.enabled:
            item, ids = next(self._keys(email, client))
            limiter.limiter.clear(item, *ids)
