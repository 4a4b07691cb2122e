"""Security services below the lessons: the CSP nonce and the Origin/Referer check.

The csrf lesson's stages call :func:`origin_refusal`; the request hooks that ask the csrf
and xss lessons' active stages are above the lessons, in ``security_hooks.py``.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import g


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
