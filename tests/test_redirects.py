"""``next`` after login: only a path on this site (issue 9, items 2 and 3).

Each bypass is checked twice: ``safe_next`` refuses it, and a browser-like resolution of
what ``safe_next`` returns stays on this site. Then the real login with the attack URL.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from marketplace.redirects import FALLBACK, safe_next

# Which ``next`` is followed is decided on the URL alone. One backend is enough.
pytestmark = pytest.mark.one_backend

SITE = "http://127.0.0.1:5000/user/login"

# Values as the view receives them (``request.args`` has decoded the query string once).
ATTACKS = [
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "http://evil.example",
    "https://evil.example/user/welcome",
    "/\t/evil.example",  # ?next=/%09/evil.example: the browser drops the tab
    "/\n/evil.example",  # ?next=/%0A/...: a newline also breaks the Location header
    "/\r/evil.example",
    "java\nscript:alert(1)",
    "javascript:alert(1)",
    "%2F%2Fevil.example",  # ?next=%252F%252F...: decoded once more by a later hop
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%5c%5cevil.example",
    "/%252F/evil.example",
    " //evil.example",
    "\t//evil.example",
    "///evil.example",
    "////evil.example",
    "@evil.example",
    "evil.example",
    "/%09/evil.example",
    "/%0d%0a/evil.example",
    "/./\\evil.example",
    "/../evil.example",
    "/%2e%2e/evil.example",
    "\x00/listings/",
    "/listings/\x7f",
    "",
    None,
]

VALID = [
    "/listings/",
    "/listings/?q=lamp",
    "/listings/?q=red+lamp&page=2",
    "/listings/?q=100%25",
    "/user/edit",
    "/listings/42/edit",
    "/listings/?q=caf%C3%A9",
    "/listings/?q=café",
    "/@evil.example",  # a path on this site named "@evil.example": harmless
    "/user/welcome#listings",
]


def browser_resolves(location: str, base: str = SITE) -> str:
    """Roughly what a browser does with a Location header (WHATWG URL parsing)."""
    location = location.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f ")
    location = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    location = re.sub(r"^//+", "//", location)  # http(s) URLs ignore extra slashes before a host
    return urljoin(base, location)


@pytest.mark.parametrize("value", ATTACKS)
def test_bypasses_fall_back_to_the_welcome_page(value):
    assert safe_next(value) == FALLBACK
    assert urlsplit(browser_resolves(safe_next(value))).netloc == "127.0.0.1:5000"


@pytest.mark.parametrize("value", VALID)
def test_paths_on_this_site_are_kept_with_their_query(value):
    assert safe_next(value) == value
    assert urlsplit(browser_resolves(value)).netloc == "127.0.0.1:5000"


@pytest.mark.parametrize(
    "value",
    ["//evil.example", "/\\evil.example", "\\/evil.example", "https:evil.example",
     "http://evil.example", "/\t/evil.example", "/\n/evil.example", " //evil.example",
     "///evil.example"],
)  # fmt: skip
def test_unchecked_these_would_leave_the_site(value):
    """The browser model above is sharp enough: without ``safe_next`` each goes elsewhere."""
    assert urlsplit(browser_resolves(value)).netloc != "127.0.0.1:5000"


def test_fallback_is_configurable():
    assert safe_next("//evil.example", "/elsewhere") == "/elsewhere"


# Raw query strings, as the attacker's link carries them.
LOGIN_ATTACKS = [
    "next=/%09/evil.example",
    "next=/%0A/x",
    "next=/%0D/x",
    "next=/%0d%0aSet-Cookie:%20x=1",
    "next=//evil.example",
    "next=/%5Cevil.example",
    "next=%252F%252Fevil.example",
    "next=https:evil.example",
    "next=java%0ascript:alert(1)",
]


@pytest.mark.parametrize("query", LOGIN_ATTACKS)
def test_login_with_a_hostile_next_still_logs_in_and_stays_here(browser, query):
    reply = browser.submit(
        f"/user/login?{query}",
        {"email": "alice@example.com", "password": "wonderland-Quartz-42"},
        form_path="/user/login",
    )
    assert reply.status == 302, reply.text[:300]  # never a 500
    assert reply.location in ("/user/welcome", "http://localhost/user/welcome")
    assert "evil" not in reply.location and "\n" not in reply.location
    welcome = browser.get("/user/welcome")
    assert welcome.status == 200 and "Alice Adams" in welcome.text  # logged in all the same


def test_login_follows_a_local_next_with_its_query(browser):
    reply = browser.submit(
        "/user/login?next=/listings/%3Fq%3Dlamp",
        {"email": "alice@example.com", "password": "wonderland-Quartz-42"},
        form_path="/user/login",
    )
    assert reply.status == 302
    assert urlsplit(reply.location).path == "/listings/"
    assert urlsplit(reply.location).query == "q=lamp"


def test_login_required_sends_back_to_the_page_with_its_query(browser):
    bounce = browser.get("/user/edit?tab=profile")
    assert bounce.status == 302
    login_url = bounce.location
    reply = browser.submit(
        login_url,
        {"email": "alice@example.com", "password": "wonderland-Quartz-42"},
        form_path="/user/login",
    )
    assert reply.status == 302
    assert reply.location.endswith("/user/edit?tab=profile")
