"""Property-based fuzzing of every route: bad input is a clear 4xx, never a 5xx or a traceback.

Hypothesis builds requests from the app's own URL map: every rule with its converters
filled (in range and far out of it) or a random path, any method, random and malformed
query strings, form fields, encodings, oversized bodies, JSON and XML documents, both
anonymous and logged in (then often with a valid CSRF token, so validation deeper than
the token check is reached). After each request: no 5xx, no traceback in the body, and,
when the request was rejected (4xx), not one row of users, listings or lesson stages
changed. (The sessions table is left out: a rejected form still stores the CSRF token it
issued in the visitor's session.)

Examples per test: ``MARKETPLACE_FUZZ_EXAMPLES`` (default 120), on SQLite and PostgreSQL.
Every lesson is at its fixed stage: vulnerable stages fail loudly on purpose.
"""

from __future__ import annotations

import io
import os
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import LessonStage, Listing, User

from .servers import csrf_token

EXAMPLES = int(os.environ.get("MARKETPLACE_FUZZ_EXAMPLES", "120"))
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND"]
FIELDS = [
    "title",
    "description",
    "email",
    "password",
    "full_name",
    "current_password",
    "new_password",
    "stage",
    "back",
    "csrf_token",
    "file",
    "q",
    "page",
    "next",
    # Chapters 11-17's forms: shop greeting, remember me, export name, photo by URL.
    "greeting",
    "remember",
    "filename",
    "url",
    "photo",
]
QUERY_KEYS = ["q", "page", "per_page", "after", "before", "next", "stage", "x"]
XML_DOCUMENTS = [
    b"<listings><listing><title>Fuzz</title><description>XML</description></listing></listings>",
    b"<listings><listing><title></title></listing></listings>",
    b"<?xml version='1.0'?><!DOCTYPE l [<!ENTITY x SYSTEM 'file:///etc/hostname'>]>"
    b"<listings><listing><title>&x;</title><description>d</description></listing></listings>",
    b"<?xml version='1.0'?><!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;"
    b"&a;&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]>"
    b"<listings><listing><title>&c;</title><description>d</description></listing></listings>",
    b"<listings><listing><title>unclosed",
    b"\xff\xfe<\x00l\x00",
    b"<listings>"
    + b"<listing><title>t</title><description>d</description></listing>" * 600
    + b"</listings>",
    b"",
]
# Other uploads (a listing's photo, a backup to restore): valid, truncated and hostile files.
UPLOADED_FILES = [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b'{"version": 1, "listings": [{"title": "Fuzz", "description": "backup"}]}',
    b'{"version": 1, "listings": [{"title": 5}]}',
    b'{"listings": ' + b"[" * 500 + b"]" * 500 + b"}",
    b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00]\x94.",  # a pickle of []
    b"!!python/object/apply:os.system ['true']",
    b"listings:\n- title: Fuzz\n",
]
FILE_FIELDS = ["file", "photo"]
FILE_NAMES = ["l.xml", "p.png", "p.jpg", "backup.json", "../../x.png", "a\x00b.png", ""]
TRACEBACK = re.compile(rb"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")
PASSWORD = "Fuzz-tester-Passw0rd"

ints = st.one_of(
    st.integers(0, 50), st.integers(0, 2**31), st.integers(2**31, 2**80), st.just(2**63)
)
text = st.text(max_size=60)
nasty = st.sampled_from(
    ["", " ", "'", '"', "\\", "%", "_", "\x00", "%ff", "é", "😀", "' OR 1=1 --", "<x>", "a" * 300]
)
values = st.one_of(text, nasty, ints.map(str), st.binary(max_size=40).map(lambda b: b.hex()))


def _snapshot() -> tuple:
    return (
        db.session.execute(
            select(User.id, User.email, User.full_name, User.password_hash, User.greeting)
        ).all(),
        db.session.execute(
            select(Listing.id, Listing.title, Listing.description, Listing.photo)
        ).all(),
        db.session.execute(select(LessonStage.lesson, LessonStage.stage)).all(),
    )


def _fill(rule, draw) -> str:
    """A concrete path for a URL rule: converters filled with plausible or hostile values."""
    path = rule.rule
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "IntegerConverter":
            value = str(draw(ints))
        elif kind == "PathConverter":
            value = quote(draw(st.sampled_from(["style.css", "../../etc/passwd", "x/y"]) | text))
        else:
            value = quote(draw(st.sampled_from(["xss", "csrf", "sql-injection", "nope"]) | text))
        path = re.sub(rf"<(?:[^:>]+:)?{re.escape(name)}>", value or "x", path)
    return path


def _query(draw) -> str:
    kind = draw(st.sampled_from(["none", "pairs", "raw"]))
    if kind == "none":
        return ""
    if kind == "pairs":
        pairs = draw(st.lists(st.tuples(st.sampled_from(QUERY_KEYS) | text, values), max_size=4))
        return urlencode(pairs)
    # Broken percent-encoding, stray separators, bytes that are not UTF-8.
    return draw(st.sampled_from(["%ff%fe", "q=%", "page=%zz", "&&==&", "after=%00", "q=%C3%28"]))


class Fuzzer:
    """One test client (cookie jar); logged in on demand, CSRF token at hand."""

    def __init__(self, app, logged_in: bool):
        self.app = app
        self.logged_in = logged_in
        self.client = app.test_client()
        self.token = None
        self.accounts = 0

    def ensure_login(self) -> None:
        if not self.logged_in:
            return
        if self.token and self.client.get("/user/welcome").status_code == 200:
            return
        # A previous example may have logged out or renamed the account: start afresh.
        self.accounts += 1
        self.client = self.app.test_client()
        email = f"fuzz{self.accounts}@example.com"
        page = self.client.get("/user/signup").get_data(as_text=True)
        token = csrf_token(page) or ""
        data = {"full_name": "Fuzz", "email": email, "password": PASSWORD, "csrf_token": token}
        assert self.client.post("/user/signup", data=data).status_code == 302
        data = {"email": email, "password": PASSWORD, "csrf_token": token}
        assert self.client.post("/user/login", data=data).status_code == 302
        page = self.client.get("/listings/create").get_data(as_text=True)
        self.token = csrf_token(page)

    def request(self, draw) -> tuple:
        rules = [r for r in self.app.url_map.iter_rules()]
        if draw(st.integers(0, 9)) == 0:
            path = "/" + quote(draw(text))
        else:
            path = _fill(draw(st.sampled_from(rules)), draw)
        method = draw(st.sampled_from(["GET", "POST"]) | st.sampled_from(METHODS))
        query = _query(draw)
        kwargs: dict = {}
        body = draw(st.sampled_from(["none", "form", "raw", "json", "xml", "oversized"]))
        fields = {}
        if body in ("form", "xml"):
            fields = dict(draw(st.lists(st.tuples(st.sampled_from(FIELDS), values), max_size=6)))
            # A valid token now and then, except on the lab (it would switch stages).
            if self.token and not path.startswith("/lab") and draw(st.booleans()):
                fields["csrf_token"] = self.token
        if body == "form":
            kwargs["data"] = fields
        elif body == "xml":
            document = draw(
                st.sampled_from(XML_DOCUMENTS + UPLOADED_FILES) | st.binary(max_size=200)
            )
            upload = (io.BytesIO(document), draw(st.sampled_from(FILE_NAMES)))
            kwargs["data"] = {**fields, draw(st.sampled_from(FILE_FIELDS)): upload}
            kwargs["content_type"] = "multipart/form-data"
        elif body == "raw":
            kwargs["data"] = draw(st.binary(max_size=300))
            kwargs["content_type"] = draw(
                st.sampled_from(
                    [
                        "application/x-www-form-urlencoded",
                        "application/x-www-form-urlencoded; charset=koi8-nonsense",
                        "multipart/form-data",
                        "multipart/form-data; boundary=",
                        "multipart/form-data; boundary=zz",
                        "application/json",
                        "application/xml",
                        "text/plain; charset=utf-16",
                    ]
                )
            )
        elif body == "json":
            kwargs["json"] = fields or draw(st.sampled_from([[], None, "x", {"a": [1]}]))
        elif body == "oversized":
            kwargs["data"] = b"title=" + b"x" * (self.app.config["MAX_CONTENT_LENGTH"] + 10)
            kwargs["content_type"] = "application/x-www-form-urlencoded"
        return method, path, query, kwargs


def _fuzz(app, logged_in: bool):
    fuzzer = Fuzzer(app, logged_in)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )
    @given(st.data())
    def run(data):
        with app.app_context():
            fuzzer.ensure_login()
            before = _snapshot()
            db.session.remove()
        method, path, query, kwargs = fuzzer.request(data.draw)
        response = fuzzer.client.open(path, method=method, query_string=query, **kwargs)
        body = response.get_data()
        response.close()  # static files are streamed from an open file
        where = f"{method} {path}?{query} -> {response.status_code}"
        event(f"status {response.status_code}")  # see --hypothesis-show-statistics
        assert response.status_code < 500, f"{where}: {body[:500]!r}"
        assert not TRACEBACK.search(body), f"{where} shows a traceback"
        if response.status_code >= 400:
            with app.app_context():
                assert _snapshot() == before, f"{where}: a rejected request changed rows"
                db.session.remove()

    run()


def test_fuzz_every_route_anonymous(app):
    _fuzz(app, logged_in=False)


def test_fuzz_every_route_logged_in(app):
    _fuzz(app, logged_in=True)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/listings/99999999999999999999999", 404),  # was a 500: the id overflowed the driver
        ("/listings/2147483648/delete", 404),
        ("/api/v1/listings?page=%ff", 400),
        ("/api/v1/listings?after=%ff", 400),
        ("/listings/?q=%00", 400),  # was a 500 on PostgreSQL (NUL in a text parameter)
    ],
)
def test_known_hostile_inputs(client, path, expected):
    """Regression cases: each once found by, or written next to, the fuzzer."""
    response = client.post(path) if path.endswith("/delete") else client.get(path)
    assert response.status_code == expected


@pytest.mark.parametrize("body", ["x", [1], None, {"title": [1], "description": {"a": 1}}])
def test_json_bodies_to_forms_are_400_not_500(user, body):
    """Was a 500: Flask-WTF built form data from any JSON body."""
    browser = user[0]
    for path in ("/user/signup", "/user/login", "/listings/create", "/user/edit"):
        response = browser.client.post(path, json=body)
        assert response.status_code == 400, (path, body)


def test_nul_in_a_form_field_is_400_and_creates_nothing(app, user):
    browser = user[0]
    with app.app_context():
        before = _snapshot()
    response = browser.submit("/listings/create", {"title": "a\x00b", "description": "d"})
    assert response.status == 400 and "NUL" in response.text
    with app.app_context():
        assert _snapshot() == before
