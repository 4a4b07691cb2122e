"""Ordinary use solves nothing: every feature check, with lessons 6-10 all at their first
(vulnerable) stage, and the detectors of those lessons listening."""

from __future__ import annotations

import pytest
import requests

from marketplace.exploits import FlaskTarget
from marketplace.features import features_of, run_feature
from marketplace.lessons import all_lessons, get_lesson

LESSONS = ("csrf", "xss", "broken-access-control", "xxe", "sensitive-data-exposure")


def solved(progress) -> list[tuple[str, str, str | None]]:
    """Every challenge ``/lab/progress.json`` shows solved, by the learner or the lab:
    the feature checks run as the lab, and neither may solve anything."""
    return [
        (entry["lesson"], entry["exploit"], entry["by"])
        for entry in progress()["challenges"]
        if entry["solved"]
    ]


@pytest.fixture
def vulnerable(set_stage):
    for slug in LESSONS:
        set_stage(slug, get_lesson(slug).stages[0].slug)


def _features(browser: bool):
    return [
        (lesson, feature)
        for lesson in all_lessons()
        for feature in features_of(lesson)
        if feature.needs_browser is browser
    ]


def test_feature_checks_solve_nothing(app, vulnerable):
    ran = []
    for lesson, feature in _features(browser=False):
        check = run_feature(feature, FlaskTarget(app))
        assert not check.could_not_run, f"{lesson.slug}/{feature.name}: {check.summary}"
        ran.append(feature.name)
    assert len(ran) >= 10
    assert solved(lambda: app.test_client().get("/lab/progress.json").get_json()) == []


@pytest.mark.browser
@pytest.mark.parametrize("backend", ["sqlite"])  # the database copy runs without a browser
def test_browser_feature_checks_solve_nothing(live_target, vulnerable):
    features = _features(browser=True)
    assert features
    for lesson, feature in features:
        check = run_feature(feature, live_target)
        assert not check.could_not_run, f"{lesson.slug}/{feature.name}: {check.summary}"
    assert (
        solved(lambda: requests.get(live_target.base_url + "lab/progress.json", timeout=10).json())
        == []
    )
