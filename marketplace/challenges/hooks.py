"""What the lessons' challenge detectors share: a detector never breaks the response.

Detectors run in lab mode as app-wide hooks of a lesson's lab blueprint (registered with
the lab, so production never runs them). A bug in one must cost the learner a missed
solve, never the page they asked for.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections import OrderedDict

from flask import request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from . import lab_memory

log = logging.getLogger(__name__)


def guarded(hook):
    """An ``after_request``-style hook (or a signal receiver) that logs its own failure
    and returns its first argument (the response) unchanged."""

    @functools.wraps(hook)
    def wrapper(response, *args, **kwargs):
        try:
            hook(response, *args, **kwargs)
        except SQLAlchemyError as exc:  # the database is down: one line, not a traceback
            log.warning("challenge detector %s skipped: %s", hook.__name__, type(exc).__name__)
        except Exception:  # a detector's bug must not become the learner's 500
            log.exception("challenge detector %s failed", hook.__name__)
        return response

    return wrapper


def form_field(name: str) -> str:
    """A field of the request's form, or "" when the body cannot be read (too large,
    malformed): a detector watching a refused request has nothing to see, and must not
    turn the view's own 413 into a 500."""
    try:
        return request.form.get(name, "")
    except HTTPException:
        return ""


def fingerprint(secret: str) -> str:
    """What a ledger keeps of a secret: enough to recognise it, useless to replay it."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Ledger:
    """A bounded in-memory map (oldest forgotten first): a lab's recent observations."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._items: OrderedDict[str, str] = OrderedDict()

    def add(self, key: str, value: str) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def get(self, key: str) -> str | None:
        return self._items.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._items


def ledger(name: str) -> Ledger:
    """This app's ledger ``name`` (the framework's per-app lab memory)."""
    return lab_memory(f"ledger:{name}", Ledger)
