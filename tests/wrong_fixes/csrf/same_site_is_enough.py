"""Wrong fix: no token; refuse a POST only when it comes from another *site*.

The check compares host names and ignores the port (same-site, not same-origin), trusting
that SameSite cookies and the site check keep other origins out. A page on another port
of the same host is a different origin on the same site: its forged form passes.

Caught by: cross-origin-form-post
"""

from urllib.parse import urlsplit


def listing_form_meta() -> dict:
    return {"csrf": False}


def check_origin(request) -> str | None:
    sent = request.headers.get("Origin") or request.headers.get("Referer")
    if sent and urlsplit(sent).hostname != urlsplit(request.host_url).hostname:
        return "Cross-site request refused."
    return None
