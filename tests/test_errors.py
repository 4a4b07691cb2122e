"""Error pages (HTML, or JSON under /api/), never a traceback; security headers everywhere."""

from __future__ import annotations

import pytest
from flask import request

from .conftest import make_app
from .helpers import assert_no_traceback


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/no/such/page", 404),
        ("GET", "/listings/nope/really", 404),
        ("GET", "/listings/1/delete", 405),
        ("PUT", "/listings/", 405),
        ("DELETE", "/user/login", 405),
    ],
)
def test_html_error_pages(client, method, path, code):
    reply = client.open(path, method=method)
    assert reply.status_code == code
    assert reply.mimetype == "text/html"
    text = reply.get_data(as_text=True)
    assert f"<h1>{code} · " in text
    assert "Back to the listings" in text
    assert_no_traceback(text)


@pytest.mark.parametrize(
    ("method", "path", "code", "error"),
    [
        ("GET", "/api/v1/nope", 404, "Not Found"),
        ("GET", "/api/v2/listings", 404, "Not Found"),
        ("POST", "/api/v1/listings", 405, "Method Not Allowed"),
        ("DELETE", "/api/v1/listings", 405, "Method Not Allowed"),
    ],
)
def test_json_error_pages_under_api(client, method, path, code, error):
    reply = client.open(path, method=method)
    assert reply.status_code == code
    assert reply.mimetype == "application/json"
    body = reply.get_json()
    assert body["status"] == code and body["error"] == error and body["message"]
    assert_no_traceback(reply.get_data(as_text=True))


@pytest.fixture
def app_with_probes(tmp_path):
    """An app with two extra routes: one that fails, one that reads a body (for 413)."""
    app, _ = make_app(tmp_path)

    def explode():
        raise RuntimeError("secret internal detail: password=hunter2")

    def echo():
        return {"length": len(request.get_data())}

    for prefix in ("/probe", "/api/v1/probe"):
        app.add_url_rule(f"{prefix}/explode", prefix + "explode", explode)
        app.add_url_rule(f"{prefix}/echo", prefix + "echo", echo, methods=["POST"])
    return app


@pytest.mark.parametrize("prefix", ["/probe", "/api/v1/probe"])
def test_unexpected_error_is_a_500_without_details(app_with_probes, prefix, caplog):
    reply = app_with_probes.test_client().get(f"{prefix}/explode")
    assert reply.status_code == 500
    text = reply.get_data(as_text=True)
    assert "secret internal detail" not in text and "hunter2" not in text
    assert_no_traceback(text)
    assert "Something went wrong on our side" in text
    if prefix.startswith("/api/"):
        assert reply.get_json()["status"] == 500
    else:
        assert reply.mimetype == "text/html"
    assert "secret internal detail" in caplog.text  # logged for the operator, not shown


@pytest.mark.parametrize("prefix", ["/probe", "/api/v1/probe"])
def test_too_large_body_is_413(app_with_probes, prefix):
    client = app_with_probes.test_client()
    limit = app_with_probes.config["MAX_CONTENT_LENGTH"]
    assert client.post(f"{prefix}/echo", data=b"x" * 10).status_code == 200
    reply = client.post(f"{prefix}/echo", data=b"x" * (limit + 1))
    assert reply.status_code == 413
    if prefix.startswith("/api/"):
        body = reply.get_json()
        assert body["status"] == 413 and "exceeds the capacity limit" in body["message"]
    else:
        assert reply.mimetype == "text/html"
        assert "too large" in reply.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/listings/", "/user/login", "/api/v1/listings", "/no/such/page", "/lab/"]
)
def test_security_headers_on_every_response(client, path):
    reply = client.get(path)
    headers = reply.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'nonce-" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp


def test_csp_nonce_changes_per_response(client):
    first = client.get("/listings/").headers["Content-Security-Policy"]
    second = client.get("/listings/").headers["Content-Security-Policy"]
    assert first != second


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/listings/", {"page": "0"}),
        ("/listings/", {"q": "x" * 500}),
        ("/api/v1/listings", {"per_page": "1000"}),
    ],
)
def test_bad_query_is_a_clear_400(client, path, query):
    reply = client.get(path, query_string=query)
    assert reply.status_code == 400
    text = reply.get_data(as_text=True)
    assert_no_traceback(text)
    assert "must be" in text or "too long" in text


MALFORMED = [
    (b'{"email": "alice@example.com"}', "application/json"),
    (b"--x\r\nbroken", "multipart/form-data"),  # no boundary
    (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
    (b"email=%zz&password=%", "application/x-www-form-urlencoded"),
    (b"\xff\xfe\x00", "text/plain; charset=utf-16"),
    (b"a=" + b"b" * 5000, "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize("path", ["/user/login", "/user/signup", "/listings/create", "/lab/reset"])
def test_malformed_bodies_are_a_4xx(user, path):
    client = user[0].http.client
    for body, content_type in MALFORMED:
        reply = client.post(path, data=body, content_type=content_type)
        assert 400 <= reply.status_code < 500, (body[:20], content_type, reply.status_code)
        assert_no_traceback(reply.get_data(as_text=True))
