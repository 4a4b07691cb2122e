"""Finds every lesson package under ``marketplace.lessons`` once, by its ``LESSON``."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from .base import Lesson


@cache
def all_lessons() -> tuple[Lesson, ...]:
    """Every lesson, ordered by chapter."""
    from marketplace import lessons as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        lesson = getattr(module, "LESSON", None)
        if isinstance(lesson, Lesson):
            found.append(lesson)
    return tuple(sorted(found, key=lambda lesson: lesson.chapter))


class UnknownLesson(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def get_lesson(slug: str) -> Lesson:
    for lesson in all_lessons():
        if lesson.slug == slug:
            return lesson
    known = ", ".join(lesson.slug for lesson in all_lessons())
    raise UnknownLesson(f"no lesson {slug!r}; the lessons are: {known}")
