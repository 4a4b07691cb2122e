"""Which names and clients the app answers (issue 9, items 1 and 10).

DNS rebinding: a page on the attacker's domain points that domain at 127.0.0.1, so the
learner's browser talks to the lab with ``Host: rebind.attacker.example``. Lab mode
refuses such a Host on every route. And while a lesson is at a vulnerable stage, only
loopback clients are answered, whatever server runs the app (non-loopback clients are
simulated with ``REMOTE_ADDR``; the gunicorn test connects to 127.0.0.1 from this
machine's own non-loopback address, so no traffic leaves the machine).
"""

from __future__ import annotations

import http.client
import socket

import pytest
from sqlalchemy import event

from marketplace.config import allowed_hosts
from marketplace.extensions import db
from marketplace.hosts import address_url, host_name, is_loopback, lab_origin_refusal
from marketplace.lessons import get_lesson, state
from tests.conftest import make_app

# Host and client checks run before any query: the database plays no part.
pytestmark = pytest.mark.one_backend

REBIND = "rebind.attacker.example:5201"
XSS_FIXED = get_lesson("xss").default_stage.slug
ROUTES = [
    ("GET", "/"),
    ("GET", "/listings/"),
    ("GET", "/user/login"),
    ("POST", "/user/login"),
    ("GET", "/api/v1/listings"),
    ("GET", "/lab/"),
    ("GET", "/lab/xss"),
    ("POST", "/lab/xss/stage"),
    ("GET", "/lab/weak-password-storage/breach/dump.json"),
    ("GET", "/static/style.css"),
    ("GET", "/no-such-page"),
]


def lab_token(client) -> str:
    page = client.get("/lab/").get_data(as_text=True)
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


# --- item 1: the Host header ---------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_lab_mode_refuses_a_rebound_host_on_every_route(client, method, path):
    reply = client.open(path, method=method, headers={"Host": REBIND})
    assert reply.status_code == 400
    text = reply.get_data(as_text=True)
    assert "rebind.attacker.example" in text and "DNS rebinding" in text
    assert 'name="csrf_token"' not in text  # the token the attacker read


def test_a_rebound_page_cannot_switch_a_stage_even_with_a_valid_token(app, client):
    """The issue's attack: the attacker's Host and Origin, and a real session and token."""
    token = lab_token(client)
    cookie = client.get_cookie("session").value
    reply = client.post(
        "/lab/xss/stage",
        data={"stage": "unquoted-attribute", "csrf_token": token},
        headers={"Host": REBIND, "Origin": f"http://{REBIND}", "Cookie": f"session={cookie}"},
    )
    assert reply.status_code == 400 and "DNS rebinding" in reply.get_data(as_text=True)
    with app.app_context():
        assert state.active_stage("xss") == XSS_FIXED
    # The same request addressed to this machine works: the refusal was the Host.
    reply = client.post(
        "/lab/xss/stage",
        data={"stage": "unquoted-attribute", "csrf_token": token},
        headers={"Origin": "http://localhost"},
    )
    assert reply.status_code == 302
    with app.app_context():
        assert state.active_stage("xss") == "unquoted-attribute"


@pytest.mark.parametrize(
    "host",
    ["localhost", "localhost:5000", "LOCALHOST:80", "127.0.0.1", "127.0.0.1:5201",
     "127.3.4.5:8080", "[::1]", "[::1]:5000"],
)  # fmt: skip
def test_lab_mode_answers_loopback_names_on_any_port(client, host):
    assert client.get("/lab/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host",
    ["rebind.attacker.example", "127.0.0.1.attacker.example", "localhost.attacker.example",
     "attacker.localhost", "0.0.0.0:5000", "192.168.1.10", "10.0.0.5:5000", "[fd00::2]:80",
     "127.0.0.1@attacker.example", "127.0.0.1:99999", "localhost:abc", "[::1", "127.1"],
)  # fmt: skip
def test_lab_mode_refuses_other_and_malformed_names(client, host):
    assert client.get("/listings/", headers={"Host": host}).status_code == 400


def test_host_parsing():
    assert host_name("LocalHost:5000") == "localhost"
    assert host_name("[::1]:8080") == "::1"
    assert host_name("evil.example/x") is None and host_name("") is None
    assert is_loopback("127.255.0.1") and is_loopback("[::1]") and not is_loopback("::")
    assert allowed_hosts(" Shop.Example, .example.org ,,[fd00::2]") == [
        "shop.example",
        ".example.org",
        "fd00::2",
    ]


def test_allowed_hosts_extend_lab_mode_explicitly(app, client):
    app.config["ALLOWED_HOSTS"] = ["lab.training.internal"]
    assert client.get("/lab/", headers={"Host": "lab.training.internal:5000"}).status_code == 200
    assert client.get("/lab/", headers={"Host": "localhost"}).status_code == 200
    assert client.get("/lab/", headers={"Host": REBIND}).status_code == 400


@pytest.fixture
def production(tmp_path):
    """A production app (fixed stages only, no lab) on SQLite."""
    app, _drop = make_app(tmp_path, MARKETPLACE_ENV="production", LAB_ENABLED=False)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_production_answers_the_names_listed_in_allowed_hosts(production):
    client = production.test_client()
    # Nothing listed: any name (there is no lab to rebind to, and no vulnerable stage).
    assert client.get("/listings/", headers={"Host": "shop.example"}).status_code == 200
    production.config["ALLOWED_HOSTS"] = ["shop.example", ".example.org"]
    for host in ("shop.example", "SHOP.example:443", "www.example.org", "example.org"):
        assert client.get("/listings/", headers={"Host": host}).status_code == 200, host
    for host in ("evil.example", "localhost", "example.org.evil.example", "xexample.org"):
        reply = client.get("/listings/", headers={"Host": host})
        assert reply.status_code == 400, host
        assert "MARKETPLACE_ALLOWED_HOSTS" in reply.get_data(as_text=True)


# --- item 1: the lab's Origin check ----------------------------------------------------------


def test_lab_posts_from_another_origin_are_refused(app, client):
    token = lab_token(client)
    for origin in ("http://rebind.attacker.example:5201", "http://127.0.0.1.attacker.example"):
        reply = client.post(
            "/lab/xss/stage",
            data={"stage": "unquoted-attribute", "csrf_token": token},
            headers={"Origin": origin},
        )
        assert reply.status_code == 403, origin
    with app.app_context():
        assert state.active_stage("xss") == XSS_FIXED


def test_lab_origin_check_accepts_only_loopback_origins(app):
    """Defence in depth: even a Host that got through, if not loopback, is no lab origin."""
    headers = {"Host": REBIND, "Origin": f"http://{REBIND}"}
    with app.test_request_context("/lab/xss/stage", method="POST", headers=headers):
        from flask import request

        refusal = lab_origin_refusal(request)
    assert refusal and "loopback origins" in refusal
    headers = {"Host": "127.0.0.1:5201", "Origin": "http://127.0.0.1:5201"}
    with app.test_request_context("/lab/xss/stage", method="POST", headers=headers):
        from flask import request

        assert lab_origin_refusal(request) is None


def test_address_url_reaches_a_wildcard_bind_on_loopback():
    assert address_url("0.0.0.0", 5000) == "http://127.0.0.1:5000/"  # noqa: S104
    assert address_url("::", 5001) == "http://[::1]:5001/"
    assert address_url("127.0.0.1", 5210) == "http://127.0.0.1:5210/"


# --- item 10: vulnerable stages answer loopback clients only --------------------------------

REMOTE = {"REMOTE_ADDR": "10.0.0.5"}


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if not r[1].startswith("/lab")])
def test_vulnerable_stages_are_refused_to_remote_clients(app, client, set_stage, method, path):
    set_stage("xss", "unquoted-attribute")
    reply = client.open(path, method=method, environ_base=REMOTE)
    assert reply.status_code == 403
    text = reply.get_data(as_text=True)
    assert "xss=unquoted-attribute" in text and "loopback" in text


def test_remote_clients_are_answered_again_at_the_fixed_stages(app, client, set_stage):
    set_stage("sql-injection", "concat")
    assert client.get("/listings/", environ_base=REMOTE).status_code == 403
    for local in ("127.0.0.1", "127.8.9.10", "::1"):
        assert client.get("/listings/", environ_base={"REMOTE_ADDR": local}).status_code == 200
    with app.app_context():
        state.reset()
    assert client.get("/listings/", environ_base=REMOTE).status_code == 200
    set_stage("sql-injection", "concat")
    app.config["LAB_ALLOW_REMOTE"] = True  # the operator's explicit opt-in
    assert client.get("/listings/", environ_base=REMOTE).status_code == 200


def test_the_guard_adds_no_query_to_a_request(app, client):
    """The stages are read once per request anyway (for the security headers)."""

    def statements(remote_addr: str) -> int:
        seen = []
        with app.app_context():
            engine = db.engine

        def count(*_args):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/listings/", environ_base={"REMOTE_ADDR": remote_addr}).status_code
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    client.get("/listings/")  # warm up the session row
    assert statements("10.0.0.5") == statements("127.0.0.1")


def this_machines_address() -> str | None:
    """A non-loopback address of this machine (a UDP connect sends no packet)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if is_loopback(address) or address == "0.0.0.0" else address  # noqa: S104


def get_from(source: str, port: int, path: str) -> tuple[int, str]:
    """GET http://127.0.0.1:port/path from a given local source address."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request("GET", path)
        reply = connection.getresponse()
        return reply.status, reply.read().decode()
    finally:
        connection.close()


def test_gunicorn_serves_vulnerable_stages_to_loopback_clients_only(tmp_path):
    """The guard is in the app, so it holds under gunicorn too (not only marketplace run)."""
    from tests.reliability.servers import gunicorn, prepare_database

    source = this_machines_address()
    if source is None:
        pytest.skip("this machine has no non-loopback address to connect from")
    url = f"sqlite:///{tmp_path}/gunicorn.sqlite"
    prepare_database(url)
    with gunicorn(url, workers=1, MARKETPLACE_STAGES="xss=unquoted-attribute") as server:
        port = int(server.base.rsplit(":", 1)[1])
        status, text = get_from(source, port, "/listings/")
        assert status == 403 and "xss=unquoted-attribute" in text
        assert get_from("127.0.0.1", port, "/listings/")[0] == 200
