"""The csrf lesson's challenge, and its detector.

Rule: a listing is created (``POST /listings/create`` answered with the redirect that
follows a successful insert, for a logged-in user) by a request whose ``Origin`` header,
or lacking one its ``Referer``, names another origin than the marketplace's, and whose
``Sec-Fetch-Site`` (when the browser sends it) is not ``same-origin``/``none``. Browsers
set these headers themselves; a page cannot hide where its form came from.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import g, request

from marketplace import challenges
from marketplace.challenges import Challenge
from marketplace.challenges.hooks import guarded

CHALLENGES = (
    Challenge(
        exploit="cross-origin-form-post",
        goal="Make a logged-in seller post a listing they never wrote, just by opening "
        "a page of yours.",
        difficulty=2,
        hints=(
            "The browser sends the marketplace's cookie with every request to it, "
            "whoever's page starts the request.",
            "Look at what the listing form sends: is there anything in it another site "
            "could not know in advance?",
            "Serve an HTML page from another port on 127.0.0.1 with a form whose action is "
            "the marketplace's /listings/create, fill title and description in hidden "
            "fields, submit it from a script, and open the page in the logged-in browser.",
        ),
    ),
)

SAME_ORIGIN_FETCH = frozenset({"same-origin", "none"})


def request_origin() -> str | None:
    """The origin the browser says the request came from (Origin, else Referer's)."""
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    return origin  # "null" (a sandboxed or opaque origin) is another origin too


def is_cross_origin() -> bool:
    origin = request_origin()
    if origin is None:
        return False  # no browser told us: not evidence of a cross-origin form
    if request.headers.get("Sec-Fetch-Site") in SAME_ORIGIN_FETCH:
        return False
    return origin != request.host_url.rstrip("/")


@guarded
def cross_origin_listing(response) -> None:
    if request.endpoint != "listings.create" or request.method != "POST":
        return
    if g.get("user") is None or response.status_code not in (302, 303):
        return  # not logged in, or the form was refused: no listing was created
    if is_cross_origin():
        challenges.solved(
            "csrf",
            "cross-origin-form-post",
            f"a listing was created for {g.user.full_name!r} by a form posted from "
            f"{request_origin()} (Sec-Fetch-Site: {request.headers.get('Sec-Fetch-Site')})",
        )


def install(app) -> None:
    """Lab mode only (the framework calls it): watch every response."""
    app.after_request(cross_origin_listing)
