"""Wrong fix: accept a POST whose Origin or Referer contains our host name.

No token, and the origin is checked by substring: "127.0.0.1" is in the attacker's
"http://127.0.0.1:<other port>" too (as it would be in "https://127.0.0.1.evil.example").
Another origin on the same host passes the check.

Caught by: cross-origin-form-post
"""


def listing_form_meta() -> dict:
    return {"csrf": False}


def check_origin(request) -> str | None:
    sent = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if sent and request.host.split(":")[0] not in sent:
        return "Cross-origin request refused."
    return None
