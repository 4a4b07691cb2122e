"""Challenges in the running app: recording solves, the lessons' detectors, the notices.

The "Challenge solved: ..." notice shows in the next page the learner loads.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from flask import request

from marketplace.challenges import lesson_challenges
from marketplace.challenges.learner import current_learner
from marketplace.challenges.store import flush, take_notices
from marketplace.lessons import all_lessons, get_lesson
from marketplace.lessons.registry import UnknownLesson


@dataclass(frozen=True)
class Notice:
    lesson_slug: str
    lesson_title: str
    exploit: str
    goal: str

    @property
    def text(self) -> str:
        return f"Challenge solved: {self.lesson_title}: {self.goal}"


def _notice(row) -> Notice:
    try:
        lesson = get_lesson(row.lesson)
    except UnknownLesson:
        return Notice(row.lesson, row.lesson, row.exploit, row.exploit)
    goal = next(
        (c.goal for c in lesson_challenges(lesson) if c.exploit == row.exploit), row.exploit
    )
    return Notice(lesson.slug, lesson.title, row.exploit, goal)


def notices_for_page() -> list[Notice]:
    """Called by base.html: the learner's new solves (the lab's pages always look)."""
    lab_page = (request.blueprint or "").split(".")[0] == "lab"
    return [_notice(row) for row in take_notices(current_learner(), lab_page=lab_page)]


def install(app) -> None:
    """In lab mode: write queued solves, offer the notices to templates, and let each
    lesson's ``challenges.install(app)`` add its detector hooks."""
    if not app.config.get("LAB_ENABLED"):
        return
    # At teardown: after every request_finished/after_request hook a detector may use.
    app.teardown_request(flush)
    app.jinja_env.globals["challenge_notices"] = notices_for_page
    for lesson in all_lessons():
        try:
            module = importlib.import_module(f"{lesson.package}.challenges")
        except ModuleNotFoundError as missing:
            if missing.name != f"{lesson.package}.challenges":
                raise
            continue
        hook = getattr(module, "install", None)
        if hook is not None:
            hook(app)
