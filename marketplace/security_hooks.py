"""Security headers and the Origin check on every request: the csrf and xss lessons decide.

Web layer (above the lessons): these hooks ask the active stages; the services they and the
stages share (``csp_nonce``, ``origin_refusal``) are in ``security.py``.
"""

from __future__ import annotations

from flask import abort, g, request

from .inputs import UNSAFE_METHODS
from .lessons import active
from .security import csp_nonce


def check_origin() -> None:
    """Before each state-changing request: the csrf lesson decides on Origin/Referer."""
    if request.method not in UNSAFE_METHODS:
        return
    refusal = active("csrf").check_origin(request)
    if refusal:
        abort(403, description=refusal)


def add_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if g.get("login") is not None and request.endpoint != "static":
        # Someone's own pages must not stay in a shared or back-button cache.
        response.headers["Cache-Control"] = "no-store"
    # A blueprint's own policy (the lab's, set by its after_request hook) stands.
    if "Content-Security-Policy" in response.headers:
        return response
    policy = active("xss").content_security_policy(csp_nonce())
    if policy:
        response.headers["Content-Security-Policy"] = policy
    return response
