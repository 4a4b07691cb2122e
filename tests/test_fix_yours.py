"""The learner's workspace file as the extra stage ``yours``: picked up live, fail closed."""

from __future__ import annotations

import pytest

from marketplace.cli import lab_list
from marketplace.lessons import get_lesson, state, workspace

# Loading the learner's file is the same on every database. One backend is enough.
pytestmark = pytest.mark.one_backend

VERSION = """
from datetime import datetime

from ..rawsql import like_pattern  # a relative import: resolves to the lesson's package


def create_listing(title: str, description: str, user_id: int) -> None:
    raise RuntimeError("not written yet")


def search_listings(q: str, limit: int, offset: int) -> list[dict]:
    assert like_pattern("a")
    return [{{"id": 1, "title": "{title}", "description": "from the workspace",
              "created_at": datetime(2024, 1, 1), "author_name": "Learner"}}]
"""


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKETPLACE_WORKSPACE", str(tmp_path / "ws"))
    lesson = get_lesson("sql-injection")
    workspace.start(lesson)
    path = workspace.file_of(lesson)
    path.write_text(VERSION.format(title="version-one"))
    return path


def test_a_live_server_at_yours_uses_each_saved_change(app, ws, set_stage, live_target):
    set_stage("sql-injection", "yours")
    first = live_target.session().get("/listings/?q=x")
    assert first.status == 200 and "version-one" in first.text
    ws.write_text(VERSION.format(title="version-two, saved later"))
    second = live_target.session().get("/listings/?q=x")
    assert "version-two, saved later" in second.text and "version-one" not in second.text


def test_a_file_broken_after_selection_falls_back_to_the_fixed_stage(app, client, ws, set_stage):
    set_stage("sql-injection", "yours")
    ws.write_text("def search_listings(q, limit, offset)\n    return []\n")
    page = client.get("/listings/?q=lamp")
    assert page.status_code == 200  # the fixed stage answered, not a 500
    assert b"version-one" not in page.data
    lab = client.get("/lab/sql-injection")
    assert lab.status_code == 200
    text = lab.get_data(as_text=True)
    assert "does not load" in text and "line 1" in text


def test_set_refuses_a_file_that_lacks_a_seam_function(app, ws, set_stage):
    set_stage("sql-injection", "quote-escape")
    ws.write_text("def create_listing(title, description, user_id):\n    return None\n")
    with pytest.raises(state.StageError, match="search_listings"):
        set_stage("sql-injection", "yours")
    with app.test_request_context():
        assert state.active_stage("sql-injection") == "quote-escape"  # the previous stage


def test_yours_is_refused_outside_lab_mode(app, ws, set_stage):
    set_stage("sql-injection", "yours")
    app.config["LAB_ENABLED"] = False
    with app.test_request_context():
        assert state.active_stage("sql-injection") == get_lesson("sql-injection").default_stage.slug
        with pytest.raises(state.StageError, match="lab mode"):
            state.set_stage("sql-injection", "yours")


def test_yours_is_not_a_catalogue_stage(ws):
    lesson = get_lesson("sql-injection")
    assert "yours" not in [stage.slug for stage in lesson.stages]
    with pytest.raises(state.StageError):
        state.parse_stages("sql-injection=yours")


def test_lab_list_shows_yours_when_the_file_exists(app, ws, set_stage):
    runner = app.test_cli_runner()
    listed = runner.invoke(lab_list).output
    assert f"yours                        {ws}" in listed
    set_stage("sql-injection", "yours")
    assert "* yours" in runner.invoke(lab_list).output
    ws.write_text("import nothing_by_this_name\n")
    listed = runner.invoke(lab_list).output
    assert "DOES NOT LOAD" in listed and "line 1" in listed and "nothing_by_this_name" in listed


def test_the_lab_ui_selects_yours(app, ws):
    from tests.conftest import Browser

    browser = Browser(app)
    page = browser.get("/lab/sql-injection")
    assert 'value="yours"' in page.text
    answer = browser.submit(
        "/lab/sql-injection/stage",
        {"stage": "yours", "back": "lesson"},
        form_path="/lab/sql-injection",
    )
    assert answer.status == 302
    with app.test_request_context():
        assert state.active_stage("sql-injection") == "yours"


def test_the_lab_ui_refuses_a_broken_file_with_the_reason(app, ws):
    from tests.conftest import Browser

    ws.write_text("def create_listing(title, description, user_id):\n    return None\n")
    browser = Browser(app)
    answer = browser.submit(
        "/lab/sql-injection/stage",
        {"stage": "yours", "back": "lesson"},
        form_path="/lab/sql-injection",
    )
    assert answer.status == 400
    assert "search_listings" in answer.text  # the missing seam function
    with app.test_request_context():
        assert state.active_stage("sql-injection") == get_lesson("sql-injection").default_stage.slug
