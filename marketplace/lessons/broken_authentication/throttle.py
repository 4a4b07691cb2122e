"""The hardened stage's login throttle: slow a guesser, never hand out a lock-out button.

The policy (the lesson README's "The throttling policy" explains the numbers):

- A *client* is the remote address, or, when the browser presents a valid device cookie
  for this account (set by an earlier successful login), that device.
- Per (account, client) pair: ``per_pair`` failures per window, then that client is
  refused for that account. Other clients are not: a stranger's failures never stop
  the owner from logging in from their own address.
- Per address, across accounts: past ``per_address`` failures (password spraying), the
  address gets one failure per account instead of ``per_pair``.
- Per account, across clients: past ``per_account`` failures (a distributed guesser),
  every client without a device cookie that has already failed for the account is
  refused. A client that has not failed for it, or holds its device cookie, still gets in
  with the right password; each fresh address gives a distributed guesser one guess.
  Past ``account_lock`` failures every client without the device cookie is refused: a
  botnet's guesses are bounded, and the owner still logs in from a browser they used
  before. Reaching it takes failures from ``account_lock / per_pair`` addresses at least.
- A successful login clears its own pair's count and issues the device cookie.

Unknown e-mails are counted exactly like registered ones, so a refusal says nothing
about who has an account. Counts live in ``marketplace.throttling`` (the database, or
Redis), so every worker sees them and ``marketplace lab reset`` clears them.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from flask import after_this_request, current_app, has_request_context, request
from itsdangerous import BadData, URLSafeTimedSerializer

from marketplace import throttling
from marketplace.throttling import Rule, minutes_left

log = logging.getLogger(__name__)

DEVICE_COOKIE = "device"
DEVICE_DAYS = 30
DEVICES_KEPT = 5  # accounts remembered per browser
PAUSED = "Logging in is paused for a moment (the login counter is unreachable)."


def forget_all(_sender=None, **_kwargs) -> None:
    """Every counter is forgotten (on a stage switch or lab reset, from any process)."""
    throttling.clear_all()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _account(email: str) -> str:
    return throttling.key("account", email)


def _devices() -> dict[str, str]:
    """The browser's device cookie: account hash -> device id, if signed by us and recent."""
    raw = request.cookies.get(DEVICE_COOKIE) if has_request_context() else None
    if not raw:
        return {}
    try:
        pairs = _serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
        return {str(account): str(device) for account, device in pairs}
    except (BadData, TypeError, ValueError):
        return {}


def _remember_device(email: str) -> None:
    """After a successful login: this browser is a known device for this account."""
    devices = _devices()
    account = _account(email)
    device = devices.pop(account, None) or secrets.token_urlsafe(16)
    devices[account] = device  # most recent last; the oldest beyond DEVICES_KEPT drop off
    value = _serializer().dumps([[a, d] for a, d in list(devices.items())[-DEVICES_KEPT:]])

    @after_this_request
    def set_cookie(response):
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_DAYS * 86400,
            path=request.path,  # only the login form ever sees it
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
            samesite="Lax",
        )
        return response


@dataclass(frozen=True)
class LoginThrottle:
    per_pair: int
    per_address: int
    per_account: int
    account_lock: int
    minutes: int = 15

    def _rules(self) -> tuple[Rule, Rule, Rule]:
        return (
            Rule("login-pair", self.per_pair, self.minutes),
            Rule("login-address", self.per_address, self.minutes),
            Rule("login-account", self.per_account, self.minutes),
        )

    @staticmethod
    def _client(email: str, address: str) -> tuple[str, bool]:
        device = _devices().get(_account(email))
        return (f"device:{device}", True) if device else (f"address:{address}", False)

    def refusal(self, email: str, address: str) -> str | None:
        """A message if this login must be refused unchecked; None to go ahead."""
        pair, per_address, per_account = self._rules()
        client, trusted = self._client(email, address)
        try:
            mine = pair.count(email, client)
            limit = self.per_pair
            if not trusted and per_address.count(address).hits >= self.per_address:
                limit = 1  # a spraying address: one failure per account
            if mine.hits >= limit:
                where = "this browser" if trusted else "your address"
                return (
                    f"Too many failed logins for this account from {where}. "
                    f"Try again in {minutes_left(mine)}."
                )
            account = per_account.count(email)
            over = account.hits >= self.account_lock or (
                mine.hits and account.hits >= self.per_account
            )
            if over and not trusted:
                return (
                    "Too many failed logins for this account. Try again in "
                    f"{minutes_left(account)}, or from a browser you logged in with before."
                )
        except Exception:  # noqa: BLE001 - the store is away: fail closed, say so
            log.exception("login throttle storage unreachable")
            return PAUSED
        return None

    def record(self, email: str, address: str, succeeded: bool) -> None:
        pair, per_address, per_account = self._rules()
        client, _trusted = self._client(email, address)
        try:
            if succeeded:
                pair.clear(email, client)  # this client's count only, not the account's
                _remember_device(email)
                return
            pair.hit(email, client)
            per_address.hit(address)
            per_account.hit(email)
        except Exception:  # noqa: BLE001 - the next refusal() fails closed instead
            log.exception("login throttle storage unreachable")
