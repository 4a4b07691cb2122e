"""Ordinary use in a real browser solves nothing: the browser feature checks (the csrf
forms, the xss profile page) with lessons 6-10 all at their first (vulnerable) stage.

The HTTP feature checks of every lesson at every vulnerable stage are
``test_ordinary_use.py``; it leaves the browser checks out for time, these are the ones
the csrf and xss detectors watch most closely."""

from __future__ import annotations

import pytest
import requests

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


def _browser_features():
    return [
        (lesson, feature)
        for lesson in all_lessons()
        for feature in features_of(lesson)
        if feature.needs_browser
    ]


@pytest.mark.browser
@pytest.mark.parametrize("backend", ["sqlite"])  # both databases: test_ordinary_use.py
def test_browser_feature_checks_solve_nothing(live_target, vulnerable):
    features = _browser_features()
    assert features
    for lesson, feature in features:
        check = run_feature(feature, live_target)
        assert not check.could_not_run, f"{lesson.slug}/{feature.name}: {check.summary}"
    assert (
        solved(lambda: requests.get(live_target.base_url + "lab/progress.json", timeout=10).json())
        == []
    )
