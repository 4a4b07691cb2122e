"""A busy lab, shortened for CI: learners solve challenges by hand, each keeps their progress.

The same driver as the bench's figure 7 (``bench/busy_lab.py``; 40 learners, 60 s, 4 workers
there): 12 learners for 12 s on gunicorn with 2 workers, PostgreSQL and Redis, loopback
only, every server stopped and the scratch database dropped at the end. Each learner has
an account and a lab name of their own, logs in, searches, posts, uploads XML, reads the
API and solves one challenge (six different ones, none judged by a per-process ledger).

The busy lab needs MARKETPLACE_TEST_POSTGRES_URL and Redis at MARKETPLACE_TEST_REDIS_URL
(default redis://127.0.0.1:6379/6): skipped without them, failing with
MARKETPLACE_REQUIRE_POSTGRES=1. The other tests need neither: the verdict's own failures,
and one round of every learner against the app on SQLite (a live server in this process).
"""

from __future__ import annotations

import os

import pytest

from bench import busy_lab
from bench.learner import CHALLENGES, STAGES, Learner, Record
from marketplace.exploits.runner import live_server
from marketplace.extensions import db
from marketplace.models import User
from marketplace.password_storage import hash_password
from tests.conftest import POSTGRES_URL

from .servers import unavailable

REDIS_URL = os.environ.get("MARKETPLACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
CI_SIZE = busy_lab.Workshop(learners=12, seconds=12, workers=2, arrivals=3)
KINDS = {"learner", "login", "search", "create", "upload", "api", "challenge"}
# The CI machine runs other tests at the same time: only a loose bound on the tail here.
# The bench's figure holds the goal (p99 at most 10x the median) on a quiet run.
LOOSE_TAIL = 50


@pytest.mark.slow
@pytest.mark.postgres
def test_a_busy_lab_keeps_each_learners_progress_exact():
    if not POSTGRES_URL:
        unavailable(
            "the busy lab needs PostgreSQL: set MARKETPLACE_TEST_POSTGRES_URL, e.g. "
            "postgresql://postgres@127.0.0.1:5432/test"
        )
    try:
        outcome = busy_lab.run(CI_SIZE, POSTGRES_URL, REDIS_URL)
    except busy_lab.Unavailable as exc:
        unavailable(f"{exc} (start redis-server, or set MARKETPLACE_TEST_REDIS_URL)")
    summary = outcome.summary()
    print({k: v for k, v in summary.items() if k != "kinds"}, summary["kinds"])

    assert outcome.problems() == []
    assert summary["errors"] == summary["server_errors"] == summary["unexpected"] == 0
    assert summary["server_log_errors"] == 0
    assert set(summary["kinds"]) == KINDS
    assert min(summary["kinds"].values()) >= CI_SIZE.learners  # every kind, by everyone
    # Every learner solved their challenge, every challenge was solved, and the lab kept
    # exactly that, under each learner's own name, and nothing else for anyone.
    assert all(learner["solved"] == [learner["challenge"]] for learner in outcome.learners)
    assert {learner["challenge"] for learner in outcome.learners} == {
        "/".join(key) for key in CHALLENGES
    }
    assert summary["exact"] == CI_SIZE.learners
    assert outcome.stray_solves == []
    assert summary["p99_over_median"] <= LOOSE_TAIL, summary
    assert summary["max_ms"] < CI_SIZE.timeout * 1000


# --- the verdict itself: it fails when progress is not exactly what was solved ---------


def _learner(solved: set, progress: set) -> Learner:
    learner = Learner("http://127.0.0.1:9", "ann", "ann@example.com", "pw", CHALLENGES[0])
    learner.solved = solved
    learner.progress = lambda: progress  # what /lab/progress.json would have said
    return learner


@pytest.mark.parametrize(
    ("progress", "exact"),
    [
        ({(*CHALLENGES[0], "learner")}, True),
        (set(), False),  # the solve was not recorded
        ({(*CHALLENGES[0], "lab")}, False),  # recorded as shown by the lab's exploit
        ({(*CHALLENGES[0], "learner"), (*CHALLENGES[1], "learner")}, False),  # more
        ({(*CHALLENGES[1], "learner")}, False),  # another learner's solve
    ],
)
def test_the_verdict_wants_exactly_what_was_solved(progress, exact):
    assert busy_lab._verdict(_learner({CHALLENGES[0]}, progress))["exact"] is exact


def test_a_solve_kept_under_another_name_is_a_problem():
    outcome = busy_lab.Outcome(
        workshop=CI_SIZE,
        seconds=1.0,
        records=[Record("search", 200, 0.01, True), Record("create", 500, 0.02, False)],
        learners=[busy_lab._verdict(_learner({CHALLENGES[0]}, set()))],
        stray_solves=[("you", *CHALLENGES[0], "learner")],
        server_errors=[],
    )
    summary = outcome.summary()
    assert (summary["exact"], summary["server_errors"], summary["stray_solves"]) == (0, 1, 1)
    assert len(outcome.problems()) == 3


@pytest.mark.parametrize("backend", ["sqlite"])  # the learners' steps; PostgreSQL is above
def test_learners_late_for_the_lab_still_do_one_whole_round(app, set_stage):
    """With the time already up, each learner still arrives, does one round and solves
    their challenge, and only that (the rule that keeps the CI run meaningful when slow)."""
    for lesson, stage in STAGES.items():
        set_stage(lesson, stage)
    with app.app_context():
        digest = hash_password("Late-Learner-Passw0rd")
        names = [f"late-{n}" for n in range(len(CHALLENGES))]
        db.session.add_all(
            User(full_name=n, email=f"{n}@example.com", password_hash=digest) for n in names
        )
        db.session.commit()
    with live_server(app) as url:
        learners = [
            Learner(url.rstrip("/"), name, f"{name}@example.com", "Late-Learner-Passw0rd", key)
            for name, key in zip(names, CHALLENGES, strict=True)
        ]
        for learner in learners:
            learner.work()  # deadline 0: long past
        verdicts = [busy_lab._verdict(learner) for learner in learners]
    for learner, verdict in zip(learners, verdicts, strict=True):
        assert learner.iterations == 1 and learner.solved == {learner.challenge}, verdict
        assert [r for r in learner.records if not r.expected] == []
        assert {r.kind for r in learner.records} == KINDS
        assert verdict["exact"], verdict
