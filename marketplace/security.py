"""Security headers and the Origin check, applied to every response and request."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import abort, g, request

from .inputs import UNSAFE_METHODS
from .lessons import active


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def origin_refusal(req) -> str | None:
    """Refuse a state-changing request whose Origin (or Referer) is another origin.

    Browsers send Origin on cross-origin POSTs; a request with neither header comes from
    a non-browser client, which cannot ride on a victim's cookies.
    """
    expected = req.host_url.rstrip("/")
    origin = req.headers.get("Origin")
    if origin is None:
        referer = req.headers.get("Referer")
        if not referer:
            return None
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    if origin == expected:
        return None
    return f"Cross-origin request refused: it came from {origin}, not from {expected}."


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
    # A blueprint's own policy (the lab's, set by its after_request hook) stands.
    if "Content-Security-Policy" in response.headers:
        return response
    policy = active("xss").content_security_policy(csp_nonce())
    if policy:
        response.headers["Content-Security-Policy"] = policy
    return response
