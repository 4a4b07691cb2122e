"""A learner's progress over every lesson's challenges: /lab/progress.json, the CLI, the board."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass

from marketplace.challenges import lesson_challenges
from marketplace.challenges.store import hints_used, solves
from marketplace.lessons import all_lessons

CTF_KEY_VARIABLE = "MARKETPLACE_CTF_KEY"


def ctf_flag(lesson: str, exploit: str) -> str | None:
    """The CTF flag of a solved challenge when MARKETPLACE_CTF_KEY is set (issue 13's CTF
    part, ``marketplace.challenges.ctf.flag``; None while that module is not there)."""
    key = os.environ.get(CTF_KEY_VARIABLE)
    if not key:
        return None
    try:
        ctf = importlib.import_module("marketplace.challenges.ctf")
    except ModuleNotFoundError:
        return None
    return ctf.flag(key, lesson, exploit)


@dataclass(frozen=True)
class Entry:
    lesson: object  # marketplace.lessons.Lesson
    challenge: object  # marketplace.challenges.Challenge
    solved_at: object | None  # datetime
    by: str | None
    evidence: str | None
    hints_used: int

    @property
    def solved(self) -> bool:
        return self.solved_at is not None

    def as_json(self) -> dict:
        return {
            "lesson": self.lesson.slug,
            "exploit": self.challenge.exploit,
            "solved": self.solved,
            "solved_at": self.solved_at.isoformat() + "Z" if self.solved_at else None,
            "by": self.by,
            "hints_used": self.hints_used,
            "difficulty": self.challenge.difficulty,
        }


def entries(learner: str) -> list[Entry]:
    """Every declared challenge of every lesson, in catalogue order, with this learner's state."""
    done = solves(learner)
    hints = hints_used(learner)
    found = []
    for lesson in all_lessons():
        for challenge in lesson_challenges(lesson):
            key = (lesson.slug, challenge.exploit)
            row = done.get(key)
            found.append(
                Entry(
                    lesson=lesson,
                    challenge=challenge,
                    solved_at=row.solved_at if row else None,
                    by=row.by if row else None,
                    evidence=row.evidence if row else None,
                    hints_used=hints.get(key, 0),
                )
            )
    return found


def as_json(learner: str) -> dict:
    return {"learner": learner, "challenges": [entry.as_json() for entry in entries(learner)]}


@dataclass(frozen=True)
class LessonScore:
    lesson: object
    solved: int
    by_lab: int
    total: int
    stars: int  # of the challenges solved by the learner's own hand
    stars_total: int
    hints_used: int


def board(learner: str) -> list[LessonScore]:
    """Per lesson: solved of total (the learner's own), shown by the lab, stars, hints."""
    by_lesson: dict[str, list[Entry]] = {}
    for entry in entries(learner):
        by_lesson.setdefault(entry.lesson.slug, []).append(entry)
    scores = []
    for lesson in all_lessons():
        items = by_lesson.get(lesson.slug, [])
        own = [e for e in items if e.by == "learner"]
        scores.append(
            LessonScore(
                lesson=lesson,
                solved=len(own),
                by_lab=sum(1 for e in items if e.by == "lab"),
                total=len(items),
                stars=sum(e.challenge.difficulty for e in own),
                stars_total=sum(e.challenge.difficulty for e in items),
                hints_used=sum(e.hints_used for e in items),
            )
        )
    return scores
