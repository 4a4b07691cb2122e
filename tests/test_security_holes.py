"""Holes a penetration test found in the fixed app (issue 9), each attacked again here.

Items 1 (Host header) and 10 (vulnerable stages over the network) are in test_hosts.py,
items 2 and 3 (``next`` after login) in test_redirects.py; the rest of items 1 and 11 here.
"""

from __future__ import annotations

import json

import pytest
import requests

from marketplace import cli
from marketplace.config import ConfigError, from_environment
from marketplace.exploits import LiveTarget
from marketplace.exploits.runner import live_server
from marketplace.lessons.weak_password_storage.commands import dump_users_command
from tests.reliability.servers import free_port

BREACH = "/lab/weak-password-storage/breach"
DEMO = {"alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"}
DEAUTH = "broken-deauthentication"


# --- item 1: the breach holds only the demo victims -----------------------------------------


def test_breach_dump_holds_only_the_demo_victims(browser):
    outsider = "real.person@example.net"
    assert browser.signup("Real Person", outsider, "Unrelated-Passw0rd-9").status == 302
    document = json.loads(browser.get(f"{BREACH}/dump.json").text)
    assert {row["email"] for row in document["users"]} == DEMO
    assert "only the demo accounts" in document["note"].lower()
    page = browser.get(BREACH)
    assert page.status == 200 and outsider not in page.text
    assert "Only the demo accounts" in page.text


def test_dump_users_command_holds_only_the_demo_victims(app, browser, tmp_path):
    assert browser.signup("Real Person", "real@example.net", "Unrelated-Passw0rd-9").status == 302
    out = tmp_path / "dump.json"
    result = app.test_cli_runner().invoke(dump_users_command, ["-o", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert {row["email"] for row in document["users"]} == DEMO and "note" in document


# --- item 1: the attack button targets this server, not the Host header's name --------------


@pytest.mark.parametrize("recorded", [True, False], ids=["bind-address", "socket-address"])
def test_attack_button_ignores_the_host_header(app, set_stage, recorded):
    """``Host: localhost:1`` passes the Host check; the exploits must still reach this server.

    Before the fix the runner used ``request.host_url``, so its traffic went to port 1 and
    every exploit "could not run". ``socket-address`` drops the recorded bind address to
    exercise the fallback any WSGI server gets: the local end of the request's connection.
    """
    set_stage(DEAUTH, "client-cookie")
    with live_server(app) as url:
        if not recorded:
            app.config["LAB_TARGET_URL"] = None
        lab = LiveTarget(url).session()
        token = lab.get(f"/lab/{DEAUTH}").csrf_token
        # requests matches cookies against a Host header it is given: send the cookie as is.
        forged = {
            "Host": "localhost:1",
            "Origin": "http://localhost:1",
            "Cookie": f"session={lab.get_cookie('session')}",
        }
        reply = requests.post(
            f"{url}lab/{DEAUTH}/attack",
            data={"csrf_token": token},
            headers=forged,
            allow_redirects=False,
            timeout=60,
        )
        assert reply.status_code == 200, reply.text[-1500:]
        assert "could not run" not in reply.text
        assert reply.text.count("still opens") == 3  # all three exploits reached the server
        assert requests.get(url + "listings/", timeout=5).status_code == 200


def test_marketplace_run_records_its_bind_address(app, monkeypatch):
    served = {}

    def fake_run_simple(host, port, application, **_kwargs):
        served["target"] = application.config["LAB_TARGET_URL"]

    monkeypatch.setattr(cli, "run_simple", fake_run_simple)
    monkeypatch.setattr(cli, "prepare_database", lambda: ({}, 0))
    port = free_port()
    result = app.test_cli_runner().invoke(cli.main, ["run", "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert served["target"] == f"http://127.0.0.1:{port}/"


# --- item 11: small ones ---------------------------------------------------------------------


@pytest.mark.parametrize("secret", ["x", "k" * 31, "é" * 15])
def test_production_refuses_a_short_secret_key(tmp_path, secret):
    env = {"MARKETPLACE_ENV": "production", "MARKETPLACE_SECRET_KEY": secret}
    with pytest.raises(ConfigError, match="too short") as refused:
        from_environment(str(tmp_path), env)
    assert "secrets.token_hex(32)" in str(refused.value)


def test_production_accepts_32_bytes_of_key(tmp_path):
    env = {"MARKETPLACE_ENV": "production", "MARKETPLACE_SECRET_KEY": "k" * 32}
    assert from_environment(str(tmp_path), env)["SECRET_KEY"] == "k" * 32
    # Lab mode keeps accepting any key (tests and local experiments use short ones).
    assert from_environment(str(tmp_path), {"MARKETPLACE_SECRET_KEY": "x"})["SECRET_KEY"] == "x"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("DELETE", "/user/login", {"GET", "POST"}),
     ("PUT", "/listings/", {"GET"}),
     ("POST", "/api/v1/listings", {"GET"}),
     ("GET", "/lab/xss/stage", {"POST"})],
)  # fmt: skip
def test_405_answers_say_which_methods_are_allowed(client, method, path, allowed):
    reply = client.open(path, method=method)
    assert reply.status_code == 405
    assert allowed <= {m.strip() for m in reply.headers["Allow"].split(",")}
    assert reply.headers["Content-Type"].startswith(
        "application/json" if path.startswith("/api/") else "text/html"
    )


def test_authenticated_pages_and_the_lab_are_not_cached(user, client):
    browser = user[0]
    for path in ("/user/welcome", "/user/edit", "/listings/", "/lab/", f"/lab/{DEAUTH}"):
        reply = browser.get(path)
        assert reply.status == 200, path
        assert reply.headers.get("Cache-Control") == "no-store", path
    # The lab is no-store for anyone; the shop's pages for anonymous visitors may be cached.
    assert client.get("/lab/").headers.get("Cache-Control") == "no-store"
    assert "no-store" not in client.get("/listings/").headers.get("Cache-Control", "")
    # Static files stay cacheable even when logged in.
    with browser.http.client.get("/static/style.css") as static:
        assert static.status_code == 200
        assert "no-store" not in static.headers.get("Cache-Control", "")
