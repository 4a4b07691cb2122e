"""``marketplace attack`` and ``audit``'s engine: exploits against a running server, or
every exploit against every stage of its lesson on a scratch copy of the app.

Above the lessons (it builds the app and switches stages), next to the CLI; the exploit
harness it drives (``marketplace.exploits``) stays below them.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from marketplace.exploits.browser import one_browser
from marketplace.exploits.outcome import DEFENDED, EXPLOITED, Outcome
from marketplace.exploits.runner import run_exploit
from marketplace.exploits.target import EXPLOIT_DOMAIN, Account, LiveTarget
from marketplace.lessons.base import Exploit, Lesson


@dataclass
class Cell:
    """One exploit's result at one stage; ``expected`` is the catalogue's word (audit only)."""

    lesson: str
    stage: str | None
    exploit: str
    expected: str | None
    outcome: Outcome
    seconds: float

    @property
    def matches(self) -> bool:
        return self.outcome.label == self.expected

    def as_dict(self) -> dict:
        row = {
            "lesson": self.lesson,
            "exploit": self.exploit,
            "stage": self.stage,
            "outcome": self.outcome.label,
            "expected": self.expected,
            "summary": self.outcome.summary,
            "evidence": {
                "details": self.outcome.details,
                "exchanges": [e.as_dict() for e in self.outcome.exchanges],
            },
            "seconds": round(self.seconds, 3),
        }
        if self.expected is None:
            del row["expected"]
        return row


class ScratchTarget(LiveTarget):
    """The live server of a scratch app this process built (``audit``, ``fix check``).

    Exploits attack it over HTTP like any server. Only the clean-up differs: the accounts
    an exploit signed up are removed straight from the scratch database, as ``marketplace
    lab clean`` does, instead of through the account deletion form, which checks the
    password once more (a third of a second at the argon2id stage's real cost, for every
    account of every cell). ``attack`` against a running lab still deletes through the form.
    """

    def __init__(self, base_url: str, app):
        super().__init__(base_url)
        self.app = app  # feature checks that plant rows use it too

    def _delete(self, account: Account) -> bool:
        with self.app.app_context():
            removed, _listings = remove_exploit_accounts([account.email])
        return removed == 1


def remove_exploit_accounts(emails: Collection[str] | None = None) -> tuple[int, int]:
    """Delete accounts at the exploits' e-mail domain (only ``emails`` among them, if
    given), with their sessions and listings; (accounts, listings) removed. Needs an app
    context."""
    from sqlalchemy import delete, select

    from marketplace.extensions import db
    from marketplace.models import User, UserSession

    query = select(User).where(User.email.endswith("@" + EXPLOIT_DOMAIN))
    if emails is not None:
        query = query.where(User.email.in_(list(emails)))
    removed = listings = 0
    for user in db.session.scalars(query).all():
        listings += len(user.listings)
        db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
        db.session.delete(user)
        removed += 1
    db.session.commit()
    return removed, listings


def expected_label(lesson: Lesson, exploit: Exploit, stage_slug: str) -> str:
    """The catalogue's verdict for ``exploit`` at ``stage_slug``, other lessons at their default."""
    return EXPLOITED if lesson.expected_exploited(exploit, stage_slug) else DEFENDED


def attack(
    base_url: str,
    plan: Sequence[tuple[Lesson, Exploit]],
    progress: Callable[[Cell, int, int], None] | None = None,
) -> list[Cell]:
    """Run each (lesson, exploit) of ``plan`` against a running server, in that order."""
    stages = LiveTarget(base_url).lab_stages()
    cells: list[Cell] = []
    with one_browser():  # one Chromium for every browser exploit of the run
        for lesson, exploit in plan:
            started = time.perf_counter()
            outcome = run_exploit(exploit, LiveTarget(base_url))
            cell = Cell(
                lesson.slug,
                stages.get(lesson.slug),
                exploit.name,
                None,
                outcome,
                time.perf_counter() - started,
            )
            cells.append(cell)
            if progress:
                progress(cell, len(cells), len(plan))
    return cells


@contextmanager
def scratch_log(prefix: str = "marketplace-audit-") -> Iterator[Path]:
    """Every log record of this process (the scratch server's errors, Alembic's progress) goes
    to a temporary file instead of the terminal; yields its path.

    The caller decides what happens to the file: show its path when something failed, or
    delete it. The migrations' ``env.py`` leaves an already configured root logger alone.
    """
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".log")
    os.close(handle)
    root = logging.getLogger()
    handler = logging.FileHandler(name, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    try:
        yield Path(name)
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        handler.close()


def _template_key(config: dict) -> str | None:
    """Scratch apps may share a built database unless the demo users' hashes would differ:
    a learner's weak-password-storage module (``fix check``) or chosen stages hash them."""
    overrides = config.get("STAGE_OVERRIDES") or {}
    if config.get("STAGES") or "weak-password-storage" in overrides:
        return None
    return "lab"


@contextmanager
def lab_app(extra_config: dict | None = None) -> Iterator:
    """A fresh app on a temporary SQLite database, migrated and seeded, in lab mode."""
    from flask_migrate import upgrade

    from marketplace import create_app, scratchdb
    from marketplace.demo import seed_demo

    folder = tempfile.mkdtemp(prefix="marketplace-audit-")
    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/audit.sqlite",
        "LAB_ENABLED": True,
        "MARKETPLACE_ENV": "development",
        "STAGES": "",
        "SCRATCH_DATABASE": True,  # deleted after the run: no disk flush per commit
    }
    config.update(extra_config or {})
    app = create_app(config)

    def build() -> None:
        with app.app_context():
            upgrade()
            seed_demo()

    try:
        scratchdb.prepare(_template_key(config), Path(folder) / "audit.sqlite", build)
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
    # ``skip`` names why an exploit cannot run here (no browser): that cell is ``error``.
    """Every exploit against every stage of its lesson, other lessons at their default."""
    from marketplace.lessons import state

    plan = [
        (lesson, stage, exploit)
        for lesson in lessons
        for stage in lesson.stages
        for exploit in lesson.exploits
    ]
    cells: list[Cell] = []
    with one_browser():  # one Chromium for every browser exploit of the audit
        for lesson, stage, exploit in plan:
            with app.app_context():
                state.reset()
                state.set_stage(lesson.slug, stage.slug)
            expected = expected_label(lesson, exploit, stage.slug)
            started = time.perf_counter()
            reason = skip(exploit) if skip else None
            target = ScratchTarget(base_url, app)
            if reason:
                outcome = target.error(f"could not run: {reason}")
            else:
                outcome = run_exploit(exploit, target)
            seconds = time.perf_counter() - started
            cell = Cell(lesson.slug, stage.slug, exploit.name, expected, outcome, seconds)
            cells.append(cell)
            if progress:
                progress(cell, len(cells), len(plan))
    with app.app_context():
        state.reset()
    return cells
