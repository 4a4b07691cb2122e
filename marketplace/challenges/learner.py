"""Who is solving: a name picked on /lab/ (default "you"), kept in a lab-only cookie.

People taking turns on one lab instance (pairs at one machine, a trainer's demo) each see
their own progress. The lab's own exploits name the learner in ``LAB_EXPLOIT_HEADER``.
"""

from __future__ import annotations

import re

from flask import has_request_context, request

LEARNER_COOKIE = "lab_learner"
DEFAULT_LEARNER = "you"
LEARNER_RULE = "1 to 40 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}")


def valid_name(name: str | None) -> str | None:
    """The name, trimmed, when it follows ``LEARNER_RULE``; otherwise None."""
    name = (name or "").strip()
    return name if _NAME.fullmatch(name) else None


def current_learner() -> str:
    """The learner of this request: the cookie's name, or the lab exploit header's, or "you"."""
    if not has_request_context():
        return DEFAULT_LEARNER
    from . import LAB_EXPLOIT_HEADER

    named = request.headers.get(LAB_EXPLOIT_HEADER) or request.cookies.get(LEARNER_COOKIE)
    return valid_name(named) or DEFAULT_LEARNER


def by_lab() -> bool:
    """Whether this request was sent by one of the lab's own exploits."""
    from . import LAB_EXPLOIT_HEADER

    return has_request_context() and LAB_EXPLOIT_HEADER in request.headers
