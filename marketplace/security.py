"""Security headers and the Origin check, applied to every response and request."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import abort, g, request

from .hosts import host_allowed, host_name
from .lessons import active

# The lab's own pages always get the strict policy, whatever stage the xss lesson is at.
LAB_CSP = (
    "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def is_lab_request(req) -> bool:
    """The lab's own pages (``lab`` and each lesson's ``lab_<slug>`` blueprint)."""
    return bool(req.blueprint) and (req.blueprint == "lab" or req.blueprint.startswith("lab_"))


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


def lab_origin_refusal(req) -> str | None:
    """The lab's own check: same origin, and that origin must name this machine.

    The Host check already refuses other names; this repeats it for the Origin, so a
    request the browser labels as coming from a rebound attacker's page never switches a
    stage, even if the Host check were ever relaxed.
    """
    origin = req.headers.get("Origin")
    if origin is not None and not host_allowed(host_name(urlsplit(origin).netloc)):
        return f"Cross-origin request refused: the lab accepts only loopback origins, not {origin}."
    return origin_refusal(req)


def check_origin() -> None:
    """Before each state-changing request: the csrf lesson decides on Origin/Referer."""
    if request.method not in UNSAFE_METHODS:
        return
    if is_lab_request(request):
        refusal = lab_origin_refusal(request)
    else:
        refusal = active("csrf").check_origin(request)
    if refusal:
        abort(403, description=refusal)


def add_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if is_lab_request(request) or (g.get("login") is not None and request.endpoint != "static"):
        # Someone's own pages and the lab's state must not stay in a shared or back-button cache.
        response.headers["Cache-Control"] = "no-store"
    if is_lab_request(request):
        policy = LAB_CSP.format(nonce=csp_nonce())
    else:
        policy = active("xss").content_security_policy(csp_nonce())
    if policy:
        response.headers["Content-Security-Policy"] = policy
    return response
