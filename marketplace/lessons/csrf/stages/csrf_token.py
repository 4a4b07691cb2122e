"""6/fix: every state-changing form carries a CSRF token, and cross-origin posts are refused.

Safe: another site can make the victim's browser send a form, cookies and all, but it
cannot read the secret token from our page, and the browser's Origin header gives it away.
The session cookie is also SameSite=Lax (the app's setting), which stops cross-site posts
but not this one: a page on another port of the same host is a different origin on the
same site, so only the token and the Origin check stop it.
"""

from marketplace.security import origin_refusal


def listing_form_meta() -> dict:
    return {"csrf": True}  # FIX: Flask-WTF checks the token on submit


def check_origin(request) -> str | None:
    return origin_refusal(request)  # FIX: refuse a POST from another origin
