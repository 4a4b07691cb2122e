"""Ordinary use solves nothing: every feature check of every lesson (issue 10), driven
with every lesson at a vulnerable stage, leaves every challenge unsolved.

Lessons added later are picked up by the registry. Each round puts every lesson at one of
its vulnerable stages, those where some exploit works (round k: the k-th, or the last
one), so every vulnerable stage of every lesson is covered in some round. Checks that the
catalogue lists as an honest user's bug at a stage (``HONEST_USER_BUGS``: their input *is*
the attack there, an apostrophe at ``concat``) are left out at that stage; browser checks
are left out (cost).
"""

from __future__ import annotations

from marketplace.exploits import FlaskTarget
from marketplace.features import features_of, run_feature
from marketplace.lessons import all_lessons, state
from tests.lessons.test_features import HONEST_USER_BUGS

from .helpers import progress


def vulnerable_stages(lesson) -> list[str]:
    """The stages where some exploit of the lesson works (so a challenge can be solved)."""
    return [
        stage.slug
        for stage in lesson.stages
        if any(lesson.expected_exploited(exploit, stage.slug) for exploit in lesson.exploits)
    ]


def _rounds() -> int:
    return max(len(vulnerable_stages(lesson)) for lesson in all_lessons())


def test_feature_checks_at_vulnerable_stages_solve_nothing(app, client):
    ran = 0
    for round_ in range(_rounds()):
        stages = {}
        with app.app_context():
            for lesson in all_lessons():
                vulnerable = vulnerable_stages(lesson)
                if vulnerable:
                    stages[lesson.slug] = vulnerable[min(round_, len(vulnerable) - 1)]
                    state.set_stage(lesson.slug, stages[lesson.slug])
        for lesson in all_lessons():
            for feature in features_of(lesson):
                stage = stages.get(lesson.slug, lesson.default_stage.slug)
                if feature.needs_browser or (lesson.slug, stage, feature.name) in HONEST_USER_BUGS:
                    continue
                check = run_feature(feature, FlaskTarget(app))
                assert not check.could_not_run, check.summary
                ran += 1
        solved = [key for key, entry in progress(client).items() if entry["solved"]]
        assert solved == [], f"round {round_} ({stages}): ordinary use solved {solved}"
    assert ran > 10 * _rounds()
