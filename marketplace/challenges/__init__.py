"""Challenges: every catalogue exploit is also something a learner solves by hand.

The shared interface (issue 13). Each lesson package has a ``challenges.py`` with
``CHALLENGES``, one :class:`Challenge` per exploit of the catalogue (same key), and the
lesson's own code calls :func:`solved` where the server *observes the attack's effect*:
never from the learner's word, never from a stage's name, never inside a stage module
(detection must work the same whichever stage, the learner's own included, is active).

A lesson's ``challenges.py`` may also define ``install(app)``: called once per app in lab
mode (``marketplace.lab.challenges.install``) to connect its detector hooks, e.g. to
Flask's ``request_finished``. Detectors keep their in-memory state in :func:`lab_memory`.
Solves are written at the request's teardown; progress, notices and the score board are
the lab's (``marketplace.lab.progress``, ``/lab/progress.json``, ``marketplace progress``).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

# Requests sent by the lab's own exploits carry this header: their solves count as
# "shown by the lab", apart from the learner's. Faking it only lowers one's own score.
LAB_EXPLOIT_HEADER = "X-Marketplace-Lab-Exploit"


@dataclass(frozen=True)
class Challenge:
    exploit: str  # the catalogue exploit it mirrors: the key is (lesson slug, exploit)
    goal: str  # one sentence that does not give the method away
    difficulty: int  # 1 to 3 stars
    hints: tuple[str, str, str]  # from gentle to nearly the answer
    # For the few attacks with no effect on the server (enumeration, an advisory lookup):
    # checks the learner's submitted answer and returns evidence when it is right.
    answer: Callable[[str], str | None] | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.difficulty <= 3:
            raise ValueError(f"{self.exploit}: difficulty must be 1 to 3 stars")
        if len(self.hints) != 3:
            raise ValueError(f"{self.exploit}: a challenge has exactly three hints")


def lab_memory(name: str, factory: Callable[[], object] = dict):
    """A detector's in-memory state, one per app (a process may run several, as tests do).

    Lab bookkeeping only: lost on restart, not shared between worker processes.
    """
    from flask import current_app

    memory = current_app.extensions.setdefault("challenges", {})
    if name not in memory:
        memory[name] = factory()
    return memory[name]


def lesson_challenges(lesson) -> tuple[Challenge, ...]:
    """The lesson's ``challenges.CHALLENGES`` (empty while a lesson has none yet)."""
    try:
        module = importlib.import_module(f"{lesson.package}.challenges")
    except ModuleNotFoundError as missing:
        if missing.name != f"{lesson.package}.challenges":
            raise
        return ()
    return tuple(module.CHALLENGES)


def solved(lesson: str, exploit: str, evidence: str) -> None:
    """Record, inside a request, that the current learner solved ``(lesson, exploit)``.

    ``evidence`` says in one line what the server saw (shown on the score board).
    Idempotent per learner. Free to call: the solve is queued on the request and written
    at the request's teardown; a database problem is logged, never raised.
    """
    from .store import queue_solve

    try:
        queue_solve(lesson, exploit, evidence)
    except Exception:  # noqa: BLE001 - a detector must never break the request it watches
        log.exception("challenge %s/%s: the solve could not be queued", lesson, exploit)
