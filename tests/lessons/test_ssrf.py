"""Chapter 16: every exploit against every stage, the fetch's bounds, the fixed stage against
other spellings, and the challenges by hand."""

from __future__ import annotations

import socket
import time

import pytest

from marketplace.exploits.runner import run_exploit
from marketplace.lessons import get_lesson
from marketplace.lessons.ssrf.loopback_servers import allowed, serve
from marketplace.photo_client import new_listing, photo_by_url, photo_src, tiny_png
from marketplace.photos import PhotoError, read_bounded
from tests.helpers import every_cell
from tests.helpers.static import bandit_rules, run_in_production

LESSON = get_lesson("ssrf")
STAGES = [s.slug for s in LESSON.stages]
# The database only stores the photo\'s name: the catalogue cells run on both, the rest once.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])
PNG = {"Content-Type": "image/png"}


@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    if expected:
        assert "became the listing's photo" in outcome.summary
        assert any("holds the canary" in d for d in outcome.details)
    else:
        assert "the internal service received no request" in outcome.summary
    assert any(e.path.endswith("/photo") and e.method == "POST" for e in outcome.exchanges)


@pytest.fixture
def seller(user):
    browser = user[0]
    return browser, new_listing(browser.http)


def _fetch(target, browser, listing, server, path):
    host = f"127.0.0.1:{server.port}"
    with allowed(target, host):
        return photo_by_url(browser.http, listing, f"http://{host}{path}")


BOUNDS = {
    # path: (status, headers, body), what the 400 says
    "/page.html": (
        (200, {"Content-Type": "text/html"}, b"<p>hi</p>"),
        "did not answer with an image",
    ),
    "/huge.png": ((200, PNG, tiny_png() + b"\0" * (1 << 20)), "The image is too large"),
    "/loop.png": ((302, {"Location": "/loop.png"}, b""), "Too many redirects: at most 3"),
    "/gone.png": ((404, {}, b""), "answered HTTP 404"),
    "/fake.png": ((200, PNG, b"GIF89a not a png"), "not a PNG or JPEG image"),
}


@pytest.mark.parametrize("stage", STAGES)
@SQLITE_ONLY
def test_every_fetch_is_bounded_and_refused_with_a_message(target, set_stage, seller, stage):
    set_stage(LESSON.slug, stage)
    browser, listing = seller
    routes = {path: answer for path, (answer, _) in BOUNDS.items()}
    with serve(routes, max_requests=40) as server:
        for path, (_, message) in BOUNDS.items():
            started = time.monotonic()
            reply = _fetch(target, browser, listing, server, path)
            assert time.monotonic() - started < 6
            assert reply.status == 400, path
            assert message in reply.text, (path, reply.text[-800:])
    assert photo_src(browser.http, listing) is None


@pytest.mark.parametrize("stage", STAGES)
@SQLITE_ONLY
def test_other_schemes_and_unknown_hosts_are_400(set_stage, seller, stage):
    set_stage(LESSON.slug, stage)
    browser, listing = seller
    for url in ("file:///etc/hostname", "gopher://example.com:70/", "http://", "lamp.png"):
        reply = photo_by_url(browser.http, listing, url)
        assert reply.status == 400, url
        assert "Give a full http:// or https:// address" in reply.text
    reply = photo_by_url(browser.http, listing, "http://no-such-host.invalid/lamp.png")
    assert reply.status == 400 and "could not be" in reply.text


def test_a_slow_answer_stops_at_the_deadline():
    def drip():
        while True:
            yield b"x"

    with pytest.raises(PhotoError, match="took too long"):
        read_bounded(drip(), time.monotonic() - 1)


def _resolve_localhost_dot(monkeypatch):
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        return real("127.0.0.1" if host == "localhost." else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@SQLITE_ONLY
def test_a_name_that_resolves_to_loopback_is_refused_at_the_fixed_stage(
    monkeypatch, seller, tmp_path
):
    """``localhost.`` (trailing dot) resolves to 127.0.0.1 here; the fixed stage sees that."""
    _resolve_localhost_dot(monkeypatch)
    browser, listing = seller
    with serve({"/s.png": (200, PNG, tiny_png("internal"))}) as server:
        reply = photo_by_url(browser.http, listing, f"http://localhost.:{server.port}/s.png")
        assert server.requests == []
    assert reply.status == 400
    assert "Photos cannot be fetched from localhost.: it is not a public address." in reply.text


@SQLITE_ONLY
def test_the_same_name_gets_through_the_host_blocklist(monkeypatch, set_stage, seller):
    _resolve_localhost_dot(monkeypatch)
    set_stage(LESSON.slug, "host-blocklist")
    browser, listing = seller
    with serve({"/s.png": (200, PNG, tiny_png("internal"))}) as server:
        reply = photo_by_url(browser.http, listing, f"http://localhost.:{server.port}/s.png")
        assert server.requests == ["/s.png"]
    assert reply.status == 302


@SQLITE_ONLY
def test_the_allow_list_is_exact_host_and_port(app, seller):
    browser, listing = seller
    with serve({"/s.png": (200, PNG, tiny_png("lamp"))}) as server:
        app.config["PHOTO_FETCH_ALLOW"] = [
            f"127.0.0.1:{server.port + 1}",
            f"localhost:{server.port}",
        ]
        reply = photo_by_url(browser.http, listing, f"http://127.0.0.1:{server.port}/s.png")
        assert reply.status == 400 and server.requests == []
        app.config["PHOTO_FETCH_ALLOW"].append(f"127.0.0.1:{server.port}")
        assert (
            photo_by_url(browser.http, listing, f"http://127.0.0.1:{server.port}/s.png").status
            == 302
        )


def test_the_allow_list_setting_is_read_and_checked(tmp_path):
    from marketplace.config import ConfigError, from_environment

    settings = from_environment(
        str(tmp_path), {"MARKETPLACE_PHOTO_FETCH_ALLOW": "127.0.0.1:8081, A:1"}
    )
    assert settings["PHOTO_FETCH_ALLOW"] == ["127.0.0.1:8081", "a:1"]
    assert from_environment(str(tmp_path), {})["PHOTO_FETCH_ALLOW"] == []
    with pytest.raises(ConfigError, match="is not host:port"):
        from_environment(str(tmp_path), {"MARKETPLACE_PHOTO_FETCH_ALLOW": "127.0.0.1"})


def test_bandit_has_no_rule_for_ssrf_and_flags_nothing():
    # -r: without it bandit skips a folder and reads nothing.
    assert bandit_rules(LESSON.folder) == set()


def test_production_refuses_the_vulnerable_stages(tmp_path):
    for stage in STAGES[:-1]:
        done = run_in_production(tmp_path, f"{LESSON.slug}={stage}")
        assert done.returncode == 1, done.stderr
        assert f"refuses vulnerable stages ({LESSON.slug}={stage})" in done.stderr


# The challenges are solved by hand in tests/challenges/test_ssrf.py
