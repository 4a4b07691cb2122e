"""The lab's "Your fix" panel: the path, the commands, the diff, and "Check my fix"."""

from __future__ import annotations

import time

import pytest

from marketplace.lessons import get_lesson, workspace
from tests.conftest import Browser
from tests.test_fix_cli import PARAMETRIZED

# The lab's fix panel reads the learner's file, not the database. One backend is enough.
pytestmark = pytest.mark.one_backend


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKETPLACE_WORKSPACE", str(tmp_path / "ws"))
    return tmp_path / "ws"


def wait_for_verdict(browser, path: str, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = browser.get(path).text
        if "fix-verdict" in text:
            return text
        assert "Checking…" in text
        time.sleep(1)
    raise AssertionError(f"no verdict on {path} after {seconds} s")


def test_the_panel_offers_fix_start_before_there_is_a_file(client, ws):
    text = client.get("/lab/sql-injection").get_data(as_text=True)
    assert 'id="your-fix"' in text
    assert "marketplace fix start sql-injection" in text
    assert "Check my fix" not in text


def test_check_my_fix_needs_the_form_token(app, client, ws):
    workspace.start(get_lesson("sql-injection"))
    answer = client.post("/lab/sql-injection/fix/check")
    assert answer.status_code == 400
    assert "expired" in answer.get_data(as_text=True)


def test_check_my_fix_grades_in_a_scratch_app_and_shows_the_diff(app, ws):
    lesson = get_lesson("sql-injection")
    path = workspace.start(lesson)
    path.write_text(PARAMETRIZED)
    browser = Browser(app)
    lesson_page = browser.get("/lab/sql-injection").text
    assert str(path) in lesson_page and "Check my fix" in lesson_page
    assert "run_bound" in lesson_page  # the diff against stage concat
    started = browser.submit("/lab/sql-injection/fix/check", {}, form_path="/lab/sql-injection")
    assert started.status == 302
    text = wait_for_verdict(browser, "/lab/sql-injection/fix")
    assert "<strong>PASS</strong>" in text, text[-3000:]
    assert "union-dump" in text


@pytest.mark.browser
def test_check_my_fix_in_chromium_shows_the_verdict_and_evidence(app, live_target, ws):
    from marketplace.exploits.browser import launched

    workspace.start(get_lesson("sql-injection"))  # the untouched, vulnerable copy
    base = live_target.base_url.rstrip("/")
    with launched() as chromium:
        context = chromium.new_context()
        try:
            page = context.new_page()
            page.goto(base + "/lab/sql-injection")
            page.click("text=Check my fix")
            page.wait_for_url("**/lab/sql-injection/fix")
            verdict = page.locator(".fix-verdict")
            verdict.wait_for(timeout=120_000)  # the page reloads itself while the check runs
            assert "FAIL" in verdict.inner_text()
            assert "union-dump" in verdict.inner_text()
            report = page.locator("table.fix-report").inner_text()
            assert "UNION SELECT" in report  # the request that broke through
        finally:
            context.close()
