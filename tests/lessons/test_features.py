"""Every built-in stage passes every feature check of its lesson, except where its flaw is
itself an honest user's bug (listed, with the reason, and asserted to fail)."""

from __future__ import annotations

import pytest

from marketplace.exploits import FlaskTarget
from marketplace.features import Check, features_of, run_feature
from marketplace.lessons import all_lessons

# (lesson, stage, feature) -> what the failure must say. These stages differ from the
# fixed ones in more than security: their vulnerability breaks honest input too.
HONEST_USER_BUGS = {
    # Pasting the text into SQL: an apostrophe is a syntax error; % and _ are wildcards.
    ("sql-injection", "concat", "special-characters"): "apostrophe",
    # Hand-escaping: NFKC turns the full-width apostrophe into a quote after escaping.
    ("sql-injection", "quote-escape", "special-characters"): "full-width apostrophe",
    # The unquoted attribute ends at the first space: only the first word comes back.
    ("xss", "unquoted-attribute", "full-name-round-trip"): "the edit form shows the name",
    # The course's 2016 requirement set is audited, never installed: the app needs Flask 3.1.
    ("vulnerable-components", "flask-0.12", "satisfies-dependency-ranges"): "Flask==0.12",
    # The course's own fix (2019) is audited too, never installed.
    ("vulnerable-components", "flask-1.0.3", "satisfies-dependency-ranges"): "Flask==1.0.3",
}


def _cells(browser: bool):
    return [
        pytest.param(lesson, stage.slug, feature, id=f"{lesson.slug}-{stage.slug}-{feature.name}")
        for lesson in all_lessons()
        for stage in lesson.stages
        for feature in features_of(lesson)
        if feature.needs_browser is browser
    ]


def test_every_lesson_declares_feature_checks():
    for lesson in all_lessons():
        names = [f.name for f in features_of(lesson)]
        assert names, f"{lesson.slug} has no feature checks"
        assert len(names) == len(set(names)), f"{lesson.slug}: duplicate feature names"
        exploit_names = {e.name for e in lesson.exploits}
        assert not exploit_names & set(names), "a feature and an exploit share a name"


def assert_as_expected(check: Check, lesson, stage: str, feature) -> None:
    assert not check.could_not_run, check.summary
    assert check.exchanges, "the evidence must show the HTTP exchanges"
    expected_bug = HONEST_USER_BUGS.get((lesson.slug, stage, feature.name))
    if expected_bug is None:
        assert check.passed, f"{check.summary}\n" + "\n".join(check.details)
    else:
        assert not check.passed, f"expected the honest-user bug: {check.summary}"
        assert expected_bug in check.summary, check.summary


@pytest.mark.parametrize(("lesson", "stage", "feature"), _cells(browser=False))
def test_feature_works_at_every_stage(app, set_stage, lesson, stage, feature):
    set_stage(lesson.slug, stage)
    check = run_feature(feature, FlaskTarget(app))
    assert_as_expected(check, lesson, stage, feature)


@pytest.mark.browser
@pytest.mark.parametrize(("lesson", "stage", "feature"), _cells(browser=True))
def test_browser_feature_works_at_every_stage(live_target, set_stage, lesson, stage, feature):
    set_stage(lesson.slug, stage)
    check = run_feature(feature, live_target)
    assert_as_expected(check, lesson, stage, feature)


def test_checks_clean_up_their_accounts(app):
    """A check deletes the accounts it made (and with them their listings)."""
    from sqlalchemy import func, select

    from marketplace.extensions import db
    from marketplace.models import Listing, User

    def counts():
        with app.app_context():
            return (
                db.session.scalar(select(func.count()).select_from(User)),
                db.session.scalar(select(func.count()).select_from(Listing)),
            )

    before = counts()
    lesson = next(x for x in all_lessons() if x.slug == "sql-injection")
    for feature in features_of(lesson):
        assert run_feature(feature, FlaskTarget(app)).passed
    assert counts() == before


def test_older_schemes_check_cannot_run_without_the_app(live_target):
    """Planting old-format rows needs the app: against a bare URL the check says so."""
    lesson = next(x for x in all_lessons() if x.slug == "weak-password-storage")
    feature = next(f for f in features_of(lesson) if f.name == "older-schemes-log-in")
    check = run_feature(feature, live_target)
    assert check.could_not_run and "needs the app" in check.summary
