"""``marketplace audit``'s engine: every exploit against every stage of its lesson.

Above the lessons (it builds the app and switches stages), next to the CLI; the exploit
harness it drives (``marketplace.exploits``) stays below them.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from marketplace.exploits.runner import run_exploit
from marketplace.exploits.target import LiveTarget, Outcome
from marketplace.lessons.base import Exploit, Lesson


@dataclass
class Cell:
    """One (lesson, stage, exploit) result, with the catalogue's expectation."""

    lesson: str
    stage: str
    exploit: str
    expected: str
    outcome: Outcome
    seconds: float

    @property
    def matches(self) -> bool:
        return self.outcome.label == self.expected

    def as_dict(self) -> dict:
        return {
            "lesson": self.lesson,
            "stage": self.stage,
            "exploit": self.exploit,
            "expected": self.expected,
            "outcome": self.outcome.label,
            "evidence": self.outcome.as_dict(),
            "seconds": round(self.seconds, 3),
        }


@contextmanager
def lab_app(extra_config: dict | None = None) -> Iterator:
    """A fresh app on a temporary SQLite database, migrated and seeded, in lab mode."""
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.demo import seed_demo

    folder = tempfile.mkdtemp(prefix="marketplace-audit-")
    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/audit.sqlite",
        "LAB_ENABLED": True,
        "MARKETPLACE_ENV": "development",
        "STAGES": "",
    }
    config.update(extra_config or {})
    app = create_app(config)
    try:
        with app.app_context():
            upgrade()
            seed_demo()
        yield app
    finally:
        with app.app_context():
            from marketplace.extensions import db

            db.engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def audit(
    app,
    base_url: str,
    lessons: Sequence[Lesson],
    progress: Callable[[Cell, int, int], None] | None = None,
    skip: Callable[[Exploit], str | None] | None = None,
) -> list[Cell]:
    """Every exploit against every stage of its lesson, other lessons at their default."""
    from marketplace.lessons import state

    plan = [
        (lesson, stage, exploit)
        for lesson in lessons
        for stage in lesson.stages
        for exploit in lesson.exploits
    ]
    cells: list[Cell] = []
    for lesson, stage, exploit in plan:
        with app.app_context():
            state.reset()
            state.set_stage(lesson.slug, stage.slug)
        expected = "exploited" if lesson.expected_exploited(exploit, stage.slug) else "defended"
        started = time.perf_counter()
        reason = skip(exploit) if skip else None
        target = LiveTarget(base_url)
        if reason:
            outcome = target.outcome(False, f"skipped: {reason}")
            outcome.skipped = True
        else:
            outcome = run_exploit(exploit, target)
        cell = Cell(
            lesson.slug, stage.slug, exploit.name, expected, outcome, time.perf_counter() - started
        )
        cells.append(cell)
        if progress:
            progress(cell, len(cells), len(plan))
    with app.app_context():
        state.reset()
    return cells
