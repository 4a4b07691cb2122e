"""Recording solves and hints, reading progress back, and the "Challenge solved" notices.

``solved()`` only queues a solve on the request (free); the queue is written at the
request's teardown, once the response is final (a detector may watch Flask's
``request_finished`` too), so a detector never writes in the middle of a view's
transaction and a database problem costs a log line, never the request.
An ordinary request costs nothing: no queue, no query. Notices cost one query on the
next page only while one is pending for that learner in this process (the lab's pages
always look, so a notice from another worker process still shows there).
"""

from __future__ import annotations

import logging
import threading

from flask import current_app, g, has_request_context
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from marketplace.clock import utcnow
from marketplace.extensions import db, rollback_quietly

from . import lab_memory
from .learner import DEFAULT_LEARNER, by_lab, current_learner
from .models import BY_LAB, BY_LEARNER, EVIDENCE_MAX, ChallengeSolve, HintUse

log = logging.getLogger(__name__)

_QUEUE = "_challenge_solves"
_pending_lock = threading.Lock()


def _pending() -> set[str]:
    """Learners with a notice waiting, in this process: all an ordinary page checks."""
    return lab_memory("pending-notices", set)


def queue_solve(lesson: str, exploit: str, evidence: str) -> None:
    """Remember a solve for the end of this request (see the module docstring)."""
    if not has_request_context():
        log.warning("challenge %s/%s solved outside a request: not recorded", lesson, exploit)
        return
    if not current_app.config.get("LAB_ENABLED"):
        return  # challenges are a lab feature: production records nothing
    solve = (current_learner(), lesson, exploit, BY_LAB if by_lab() else BY_LEARNER)
    g.setdefault(_QUEUE, {}).setdefault(solve, " ".join(str(evidence).split())[:EVIDENCE_MAX])


def flush(_error: BaseException | None = None) -> None:
    """At the request's teardown: write its queued solves; never raise."""
    queued = g.pop(_QUEUE, None) if has_request_context() else None
    if not queued:
        return
    try:
        # Whatever the view left uncommitted is discarded at the end of the request anyway.
        db.session.rollback()
        for (learner, lesson, exploit, by), evidence in queued.items():
            _record(learner, lesson, exploit, by, evidence)
    except SQLAlchemyError as exc:  # an outage: one line; the outage is logged elsewhere
        rollback_quietly()
        log.warning(
            "challenge solves not recorded: the database did not answer (%s)", type(exc).__name__
        )
    except Exception:  # noqa: BLE001 - a detector's bookkeeping must never break a response
        rollback_quietly()
        log.exception("challenge solves not recorded")


def _record(learner: str, lesson: str, exploit: str, by: str, evidence: str) -> None:
    exists = db.session.scalar(
        select(ChallengeSolve.id).where(
            ChallengeSolve.learner == learner,
            ChallengeSolve.lesson == lesson,
            ChallengeSolve.exploit == exploit,
            ChallengeSolve.by == by,
        )
    )
    if exists is not None:
        return
    db.session.add(
        ChallengeSolve(
            learner=learner,
            lesson=lesson,
            exploit=exploit,
            by=by,
            evidence=evidence,
            solved_at=utcnow(),
            # The lab's own runs show their evidence on the attack page: no notice.
            notified=by == BY_LAB,
        )
    )
    db.session.commit()
    log.info("challenge solved by %s (%s): %s/%s: %s", learner, by, lesson, exploit, evidence)
    if by == BY_LEARNER:
        with _pending_lock:
            _pending().add(learner)


def solves(learner: str) -> dict[tuple[str, str], ChallengeSolve]:
    """The learner's solves by (lesson, exploit); their own solve wins over the lab's."""
    rows = db.session.scalars(select(ChallengeSolve).where(ChallengeSolve.learner == learner)).all()
    found: dict[tuple[str, str], ChallengeSolve] = {}
    for row in sorted(rows, key=lambda r: r.by == BY_LEARNER):
        found[(row.lesson, row.exploit)] = row
    return found


def hints_used(learner: str) -> dict[tuple[str, str], int]:
    rows = db.session.execute(
        select(HintUse.lesson, HintUse.exploit, HintUse.hint).where(HintUse.learner == learner)
    ).all()
    used: dict[tuple[str, str], int] = {}
    for lesson, exploit, hint in rows:
        used[(lesson, exploit)] = max(used.get((lesson, exploit), 0), hint + 1)
    return used


def open_next_hint(learner: str, lesson: str, exploit: str, total: int = 3) -> int:
    """Open the next hint (one at a time, in order); returns how many are open now."""
    opened = hints_used(learner).get((lesson, exploit), 0)
    if opened < total:
        db.session.add(
            HintUse(
                learner=learner, lesson=lesson, exploit=exploit, hint=opened, opened_at=utcnow()
            )
        )
        db.session.commit()
        opened += 1
    return opened


def take_notices(learner: str, lab_page: bool = False) -> list[ChallengeSolve]:
    """The learner's solves not yet announced, marked as announced now.

    On ordinary pages only when this process knows a notice is pending (no query else).
    """
    with _pending_lock:
        if not lab_page and learner not in _pending():
            return []
        _pending().discard(learner)
    try:
        rows = db.session.scalars(
            select(ChallengeSolve)
            .where(ChallengeSolve.learner == learner, ChallengeSolve.notified.is_(False))
            .order_by(ChallengeSolve.solved_at)
        ).all()
        for row in rows:
            row.notified = True
        if rows:
            db.session.commit()
        return list(rows)
    except SQLAlchemyError:
        rollback_quietly()
        log.warning("challenge notices not read: the database did not answer")
        return []


def reset(learner: str | None = None) -> int:
    """Forget one learner's progress (or everyone's); returns how many solves went."""
    solves_query = delete(ChallengeSolve)
    hints_query = delete(HintUse)
    if learner is not None:
        solves_query = solves_query.where(ChallengeSolve.learner == learner)
        hints_query = hints_query.where(HintUse.learner == learner)
    removed = db.session.execute(solves_query).rowcount or 0
    db.session.execute(hints_query)
    db.session.commit()
    with _pending_lock:
        if learner is None:
            _pending().clear()
        else:
            _pending().discard(learner)
    return removed


def learners() -> list[str]:
    """Everyone with progress, and the default learner."""
    names = set(db.session.scalars(select(ChallengeSolve.learner).distinct()))
    names.update(db.session.scalars(select(HintUse.learner).distinct()))
    return sorted(names | {DEFAULT_LEARNER})
