"""The "Challenge solved: ..." notice, shown in the next page the learner loads."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from marketplace.lessons import get_lesson
from marketplace.lessons.registry import UnknownLesson

from . import lesson_challenges
from .learner import current_learner
from .store import take_notices


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
