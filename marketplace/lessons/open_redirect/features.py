"""What honest people need from ``next``: back to where they were going, after logging in.

A page that needs a login sends the visitor to ``/user/login?next=<that page>``; after the
login they land there again, query string intact (``/listings/?q=lamp``). Without ``next``
the login lands on the welcome page. A login that ignores ``next`` altogether redirects
nobody anywhere bad, and is no fix.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from marketplace.features import REDIRECTS, Broken, Feature, checked


def _login_with(person, next_value: str | None):
    path = "/user/login" if next_value is None else f"/user/login?next={quote(next_value, safe='')}"
    return person.http.submit(path, {"email": person.email, "password": person.password})


def _landing(reply) -> str:
    if reply.status not in REDIRECTS:
        raise Broken(f"the login answered HTTP {reply.status}, not a redirect")
    parts = urlsplit(reply.location)
    if parts.netloc not in ("", "localhost") and not reply.url.startswith(
        f"{parts.scheme}://{parts.netloc}"
    ):
        raise Broken(f"the login sent an honest user to another site: {reply.location}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


@checked("return-after-login")
def return_after_login(target, people, details) -> str:
    """next=/listings/?q=lamp: back on the search, query intact, after the login."""
    person = people.sign_up(log_in=False)
    reply = _login_with(person, "/listings/?q=lamp")
    details.append(f"login with next=/listings/?q=lamp: HTTP {reply.status} -> {reply.location}")
    landed = _landing(reply)
    if landed != "/listings/?q=lamp":
        raise Broken(f"after the login the user landed on {landed}, not /listings/?q=lamp")
    # Logged in now: the same login link goes straight on.
    again = person.http.get(f"/user/login?next={quote('/listings/?q=lamp', safe='')}")
    details.append(f"logged in, GET the same link: HTTP {again.status} -> {again.location}")
    if _landing(again) != "/listings/?q=lamp":
        raise Broken(f"a logged-in user's login link led to {again.location}, not the search")
    return "next=/listings/?q=lamp returns there after the login, and straight away once in"


@checked("protected-page-round-trip")
def protected_page_round_trip(target, people, details) -> str:
    """A page that needs a login, the login it sends to, and back to the page."""
    person = people.sign_up(log_in=False)
    first = person.http.get("/listings/create")
    details.append(f"GET /listings/create logged out: HTTP {first.status} -> {first.location}")
    parts = urlsplit(first.location)
    if first.status not in REDIRECTS or parts.path != "/user/login":
        raise Broken("a page that needs a login did not send the visitor to the login")
    reply = person.http.submit(
        f"{parts.path}?{parts.query}", {"email": person.email, "password": person.password}
    )
    details.append(f"login from there: HTTP {reply.status} -> {reply.location}")
    landed = _landing(reply)
    if landed != "/listings/create":
        raise Broken(f"after the login the user landed on {landed}, not /listings/create")
    without = _login_with(person, None)
    if _landing(without) != "/user/welcome":
        raise Broken(f"a login without next landed on {without.location}, not the welcome page")
    return "the login returns to the page that asked for it; without next, to the welcome page"


FEATURES = (
    Feature(
        "return-after-login",
        "next=/listings/?q=lamp returns there after the login.",
        return_after_login,
    ),
    Feature(
        "protected-page-round-trip",
        "A page that needs a login comes back after it.",
        protected_page_round_trip,
    ),
)
