"""Seams are Protocols: a stage module that lacks or mistypes a seam function is refused.

The broken stages here exist only inside the tests: a module object put in ``sys.modules``
under the csrf lesson's ``stages`` package, and a copy of the lesson that lists it, patched
into the registry for one test. Nothing broken ships.
"""

from __future__ import annotations

import dataclasses
import sys
import types

import pytest

from marketplace.cli import main
from marketplace.lessons import SeamError, StageError, get_lesson, registry, state
from marketplace.lessons.base import Stage, check_seam, seam_functions
from marketplace.lessons.csrf.seam import CsrfSeam

from .helpers import assert_no_traceback

SCRATCH = "scratch-no-origin-check"


def _scratch_module(name: str, **functions) -> types.ModuleType:
    module = types.ModuleType(name, "A scratch stage for the seam tests.")
    for function_name, function in functions.items():
        setattr(module, function_name, function)
    return module


@pytest.fixture
def scratch_stage(monkeypatch):
    """Register csrf stage ``scratch-no-origin-check``: it defines listing_form_meta only."""

    lesson = get_lesson("csrf")
    originals = registry.all_lessons()

    def install(**functions):
        stage = Stage(SCRATCH, "test", "A stage module missing one seam function.")
        name = f"{lesson.package}.stages.{stage.module_name}"
        monkeypatch.setitem(sys.modules, name, _scratch_module(name, **functions))
        patched = dataclasses.replace(lesson, stages=(lesson.stages[0], stage, lesson.stages[1]))
        lessons = tuple(patched if x.slug == "csrf" else x for x in originals)
        monkeypatch.setattr(registry, "all_lessons", lambda: lessons)
        monkeypatch.setattr(state, "all_lessons", lambda: lessons)
        return patched

    install(listing_form_meta=lambda: {"csrf": False})
    return install


def test_every_seam_declares_functions_with_docstrings():
    for lesson in registry.all_lessons():
        functions = seam_functions(lesson.seam)
        assert functions, f"{lesson.slug}: its seam Protocol declares no function"
        for name in functions:
            assert getattr(lesson.seam, name).__doc__, f"{lesson.slug}.{name} needs a docstring"
        assert lesson.seam_summary


def test_a_missing_function_is_named_with_its_expected_signature(scratch_stage):
    with pytest.raises(SeamError) as caught:
        get_lesson("csrf").module(SCRATCH)
    message = str(caught.value)
    assert "does not define check_origin()" in message
    assert "def check_origin(request: flask.wrappers.Request) -> str | None" in message
    assert isinstance(caught.value, StageError)  # the lab and the CLI already answer these


def test_wrong_parameters_are_named(scratch_stage):
    scratch_stage(listing_form_meta=lambda: {}, check_origin=lambda req, extra: None)
    with pytest.raises(SeamError, match=r"check_origin\(req, extra\) does not match the seam"):
        get_lesson("csrf").module(SCRATCH)


def test_a_name_that_is_not_a_function_is_refused():
    module = _scratch_module("scratch", listing_form_meta=lambda: {}, check_origin="nope")
    with pytest.raises(SeamError, match="scratch.check_origin is not a function"):
        check_seam(module, CsrfSeam, "scratch")


def test_a_complete_module_passes():
    module = _scratch_module("ok", listing_form_meta=lambda: {}, check_origin=lambda request: None)
    check_seam(module, CsrfSeam, "ok")


def test_lab_set_refuses_the_stage_and_names_the_function(app, scratch_stage):
    result = app.test_cli_runner().invoke(main, ["lab", "set", "csrf", SCRATCH])
    assert result.exit_code != 0
    assert "does not define check_origin()" in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert state.active_stage("csrf") == "csrf-token"


def test_the_lab_page_refuses_the_stage_with_a_400(app, browser, scratch_stage):
    reply = browser.submit("/lab/csrf/stage", {"stage": SCRATCH}, form_path="/lab/")
    assert reply.status == 400
    assert "does not define check_origin()" in reply.text
    assert_no_traceback(reply.text)
    with app.app_context():
        assert state.active_stage("csrf") == "csrf-token"


def test_a_stored_stage_that_fails_its_seam_falls_back_to_the_fixed_stage(app, scratch_stage):
    from marketplace.extensions import db
    from marketplace.models import LessonStage

    with app.app_context():
        db.session.add(LessonStage(lesson="csrf", stage=SCRATCH))  # behind set_stage's back
        db.session.commit()
        assert state.active_stage("csrf") == "csrf-token"
        assert state.active("csrf").check_origin  # the fixed stage's module answers
