"""The lessons: one package each, found by the registry; views ask for ``active(slug)``."""

from .base import Exploit, Lesson, SeamError, Stage, StageError
from .registry import all_lessons, get_lesson
from .state import active, active_stage, active_stages, set_stage

__all__ = [
    "Exploit",
    "Lesson",
    "SeamError",
    "Stage",
    "StageError",
    "active",
    "active_stage",
    "active_stages",
    "all_lessons",
    "get_lesson",
    "set_stage",
]
