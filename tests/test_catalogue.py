"""The contract: every lesson in the registry matches the catalogue.

The contract test keeps its own statement of the catalogue in ``tests/catalogue.json``
(chapter, slug, stages in order with their course step, exploits with the stage that
fixes them), a copy of the course's table (LESSONS.md) kept in the repo on purpose: the
registry must agree with it, not with itself. docs/ARCHITECTURE.md points here.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from pathlib import Path

import pytest

from marketplace.lessons import all_lessons, get_lesson
from marketplace.lessons.base import check_seam, seam_functions

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_FILE = Path(__file__).with_name("catalogue.json")


def load_catalogue() -> list[tuple[int, str, list[tuple[str, str]], dict[str, str]]]:
    """(chapter, slug, [(stage, step)], {exploit: fixed by}) for every lesson, in order."""
    lessons = json.loads(CATALOGUE_FILE.read_text())["lessons"]
    return [
        (
            entry["chapter"],
            entry["slug"],
            [(stage["slug"], stage["step"]) for stage in entry["stages"]],
            {exploit["name"]: exploit["fixed_by"] for exploit in entry["exploits"]},
        )
        for entry in lessons
    ]


CATALOGUE = load_catalogue()
# The exploits the catalogue runs in a real headless Chromium.
BROWSER_EXPLOITS = {
    exploit["name"]
    for entry in json.loads(CATALOGUE_FILE.read_text())["lessons"]
    for exploit in entry["exploits"]
    if exploit["browser"]
}
BY_SLUG = {slug: (chapter, stages, exploits) for chapter, slug, stages, exploits in CATALOGUE}
SLUGS = [slug for _, slug, _, _ in CATALOGUE]


def comment_markers(source: str) -> set[str]:
    """Which of ``# VULNERABLE`` / ``# FIX`` occur as real comments (not in strings)."""
    found = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            for marker in ("VULNERABLE", "FIX"):
                if re.match(rf"#\s*{marker}\b", token.string):
                    found.add(marker)
    return found


def test_registry_has_exactly_the_catalogue_lessons():
    registered = {lesson.slug: lesson.chapter for lesson in all_lessons()}
    assert registered == {slug: chapter for chapter, slug, _, _ in CATALOGUE}
    assert [lesson.slug for lesson in all_lessons()] == SLUGS  # ordered by chapter


@pytest.fixture(params=SLUGS)
def lesson(request):
    return get_lesson(request.param)


def test_stages_in_catalogue_order(lesson):
    expected = BY_SLUG[lesson.slug][1]
    assert [(stage.slug, stage.step) for stage in lesson.stages] == expected
    for stage in lesson.stages:
        assert stage.summary.strip(), f"{stage.slug} needs a one-line summary"


def test_exploits_and_what_fixes_them(lesson):
    expected = BY_SLUG[lesson.slug][2]
    assert {e.name: e.fixed_by for e in lesson.exploits} == expected
    assert [e.name for e in lesson.exploits] == list(expected)  # in catalogue order
    for exploit in lesson.exploits:
        assert callable(exploit.run) and exploit.summary.strip()
        assert exploit.needs_browser is (exploit.name in BROWSER_EXPLOITS)


def test_lesson_has_its_text(lesson):
    readme = lesson.folder / "README.md"
    assert readme.is_file(), f"{readme} is missing"
    text = readme.read_text()
    for stage in lesson.stages:
        assert stage.slug in text, f"the README never mentions the stage {stage.slug}"
    assert "curl" in text or "marketplace" in text, "the README shows how to reproduce by hand"


def test_stage_modules_document_and_mark_the_decisive_lines(lesson):
    vulnerable = {
        stage.slug
        for stage in lesson.stages
        if any(lesson.expected_exploited(e, stage.slug) for e in lesson.exploits)
    }
    for stage in lesson.stages:
        path = lesson.folder / "stages" / f"{stage.module_name}.py"
        assert path.is_file(), f"{path} is missing"
        source = path.read_text()
        module = ast.parse(source)
        first = module.body[0] if module.body else None
        assert (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
            and first.value.value.strip()
        ), f"{path.name} must start with a docstring saying why it is (un)safe"
        markers = comment_markers(source)
        if stage.slug in vulnerable:
            assert "VULNERABLE" in markers, f"{path.name}: mark the decisive line # VULNERABLE:"
        if stage == lesson.default_stage:
            assert "FIX" in markers, f"{path.name}: mark the decisive line # FIX:"
        assert markers, f"{path.name}: mark the decisive line(s)"
        lesson.module(stage.slug)  # and it imports


def test_every_stage_implements_its_seam(lesson):
    assert seam_functions(lesson.seam), f"{lesson.slug}: the seam Protocol declares nothing"
    assert (lesson.folder / "seam.py").is_file(), "the seam Protocol lives in the lesson's seam.py"
    for stage in lesson.stages:
        module = lesson.module(stage.slug)  # the registry's own check
        check_seam(module, lesson.seam, stage.slug)  # and once more, explicitly
    if lesson.slug == "vulnerable-components":  # its stages are requirement files
        for stage in lesson.stages:
            assert lesson.module(stage.slug).requirements_file().is_file()


def test_active_is_typed_for_every_lesson():
    """``state.active`` has one overload per lesson returning its seam Protocol."""
    source = (ROOT / "marketplace" / "lessons" / "state.py").read_text()
    for lesson in all_lessons():
        name = lesson.seam.__name__
        assert f'def active(slug: Literal["{lesson.slug}"]) -> {name}: ...' in source
        assert f"from .{lesson.package.rsplit('.', 1)[1]}.seam import {name}" in source


def test_lesson_has_its_tests(lesson):
    path = ROOT / "tests" / "lessons" / f"test_{lesson.slug.replace('-', '_')}.py"
    assert path.is_file(), f"{path} is missing"
    text = path.read_text()
    assert "expected_exploited" in text, "the tests assert the catalogue's expectation"


def test_the_catalogue_rule_is_what_the_engine_computes():
    lesson = get_lesson("broken-deauthentication")
    exploited = {
        (stage.slug, exploit.name)
        for stage in lesson.stages
        for exploit in lesson.exploits
        if lesson.expected_exploited(exploit, stage.slug)
    }
    assert exploited == {
        ("client-cookie", "replay-after-logout"),
        ("client-cookie", "replay-after-password-change"),
        ("revoke-on-logout", "replay-after-password-change"),
        ("client-cookie", "replay-after-delete"),
        ("revoke-on-logout", "replay-after-delete"),
        ("revoke-on-password-change", "replay-after-delete"),
    }
