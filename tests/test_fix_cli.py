"""``marketplace fix``: start, check, diff and reset a learner's file in a tmp workspace."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from marketplace.cli import main
from marketplace.lessons import get_lesson

# What a learner writes: the two functions with placeholders instead of pasted text.
PARAMETRIZED = """
from marketplace.extensions import db

from ..rawsql import like_pattern, listing_rows, run_bound


def create_listing(title: str, description: str, user_id: int) -> None:
    run_bound(
        "INSERT INTO listings (user_id, created_at, title, description) "
        "VALUES (:user_id, CURRENT_TIMESTAMP, :title, :description)",
        user_id=user_id, title=title, description=description,
    )
    db.session.commit()


def search_listings(q: str, limit: int, offset: int) -> list[dict]:
    rows = run_bound(
        "SELECT l.id, l.title, l.description, l.created_at, u.full_name AS author_name "
        "FROM listings l JOIN users u ON u.id = l.user_id "
        "WHERE LOWER(l.title) LIKE LOWER(:p) ESCAPE '\\\\' "
        "OR LOWER(l.description) LIKE LOWER(:p) ESCAPE '\\\\' "
        "ORDER BY l.created_at DESC, l.id DESC LIMIT :limit OFFSET :offset",
        p=like_pattern(q), limit=limit, offset=offset,
    )
    return listing_rows(rows)
"""


@pytest.fixture
def fix(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKETPLACE_WORKSPACE", str(tmp_path / "ws"))
    runner = CliRunner()

    def run(*args, **kwargs):
        return runner.invoke(main, ["fix", *args], catch_exceptions=False, **kwargs)

    run.workspace = tmp_path / "ws"
    return run


def test_start_copies_the_first_stage_and_prints_the_seam(fix):
    result = fix("start", "sql-injection")
    assert result.exit_code == 0, result.output
    path = fix.workspace / "sql_injection.py"
    lesson = get_lesson("sql-injection")
    assert path.read_text() == (lesson.folder / "stages" / "concat.py").read_text()
    assert str(path) in result.output
    assert "def search_listings(q: str, limit: int, offset: int)" in result.output
    assert "newest first" in result.output  # the seam function's docstring
    assert "marketplace fix check sql-injection" in result.output


def test_start_never_overwrites_without_force(fix):
    assert fix("start", "sql-injection").exit_code == 0
    path = fix.workspace / "sql_injection.py"
    path.write_text("# my work\n")
    again = fix("start", "sql-injection", "--from", "parametrized")
    assert again.exit_code == 1
    assert "--force" in again.output
    assert path.read_text() == "# my work\n"
    forced = fix("start", "sql-injection", "--from", "parametrized", "--force")
    assert forced.exit_code == 0
    assert "FIX:" in path.read_text()


def test_start_of_vulnerable_components_is_a_requirements_file(fix):
    assert fix("start", "vulnerable-components").exit_code == 0
    text = (fix.workspace / "vulnerable_components.txt").read_text()
    assert "flask==0.12" in text.lower()


def test_unknown_lesson_or_stage_is_a_message(fix):
    assert fix("start", "nope").exit_code == 1
    result = fix("start", "sql-injection", "--from", "nope")
    assert result.exit_code == 1
    assert "parametrized" in result.output  # the known stages are listed


def test_check_without_a_file_names_fix_start(fix):
    result = fix("check", "sql-injection")
    assert result.exit_code == 2
    assert "marketplace fix start sql-injection" in result.output


def test_diff_against_the_origin_stage_and_reset(fix):
    assert fix("start", "sql-injection", "--from", "quote-escape").exit_code == 0
    path = fix.workspace / "sql_injection.py"
    path.write_text(path.read_text() + "\n# learner was here\n")
    result = fix("diff", "sql-injection")
    assert result.exit_code == 0
    assert "stage quote-escape" in result.output
    assert "+# learner was here" in result.output
    assert fix("reset", "sql-injection", input="n\n").exit_code == 1  # aborted
    assert path.exists()
    result = fix("reset", "sql-injection", input="y\n")
    assert result.exit_code == 0
    assert not path.exists()
    assert fix("diff", "sql-injection").exit_code == 2


def test_untouched_copy_fails_naming_union_dump_then_a_parametrized_fix_passes(fix):
    assert fix("start", "sql-injection").exit_code == 0
    untouched = fix("check", "sql-injection")
    assert untouched.exit_code == 1, untouched.output
    assert "FAILED   exploit  union-dump" in untouched.output
    assert "UNION SELECT" in untouched.output  # the request that broke through
    assert "alice@example.com" in untouched.output  # and what it dumped

    (fix.workspace / "sql_injection.py").write_text(PARAMETRIZED)
    fixed = fix("check", "sql-injection", "--json")
    report = json.loads(fixed.stdout)
    assert fixed.exit_code == 0, fixed.output
    assert report["verdict"] == "pass"
    union = next(line for line in report["lines"] if line["name"] == "union-dump")
    assert union["result"] == "passed"


def test_check_of_a_file_that_does_not_import_is_exit_2_with_its_line(fix):
    assert fix("start", "sql-injection").exit_code == 0
    (fix.workspace / "sql_injection.py").write_text("x = 1\nimport nothing_by_this_name\n")
    result = fix("check", "sql-injection")
    assert result.exit_code == 2
    assert "line 2" in result.output and "nothing_by_this_name" in result.output
