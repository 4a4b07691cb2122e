"""The browser harness: when it refuses to run, and the attacker's second origin."""

import pytest
import requests

from marketplace.exploits import FlaskTarget, LiveTarget
from marketplace.exploits.browser import attacker_site, cannot_run
from marketplace.exploits.runner import run_exploit
from marketplace.lessons import all_lessons
from marketplace.loopback import is_loopback as is_loopback_host

BROWSER_EXPLOITS = [e for lesson in all_lessons() for e in lesson.exploits if e.needs_browser]


def test_the_browser_exploits_are_flagged():
    assert {e.name for e in BROWSER_EXPLOITS} >= {"cross-origin-form-post", "attribute-injection"}


@pytest.mark.parametrize("exploit", BROWSER_EXPLOITS, ids=lambda e: e.name)
def test_a_flask_target_gets_a_clear_error_not_a_crash(exploit):
    # The refusal comes before any request, so the test client is never used.
    outcome = run_exploit(exploit, FlaskTarget(app=None))
    assert outcome.label == "error" and not outcome.exploited
    assert "needs a live server" in outcome.summary


def test_browser_exploits_attack_loopback_only():
    outcome = cannot_run(LiveTarget("http://192.0.2.10:5000/"))
    assert outcome is not None and outcome.label == "error"
    assert "loopback only" in outcome.summary
    assert is_loopback_host("127.0.0.1") and is_loopback_host("localhost")
    assert is_loopback_host("::1") and not is_loopback_host("example.com")


def test_attacker_site_serves_one_page_on_another_port_and_stops():
    with attacker_site("<p>prize</p>", max_requests=3) as url:
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(url, timeout=5).text == "<p>prize</p>"
        assert requests.get(url + "other", timeout=5).status_code == 404
        assert requests.get(url, timeout=5).status_code == 200
        assert requests.get(url, timeout=5).status_code == 429  # bounded in count
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)
    with pytest.raises(ValueError, match="loopback only"), attacker_site("x", host="192.0.2.10"):
        pass
