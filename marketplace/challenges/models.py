"""Challenge progress per learner: solves (the learner's own or shown by the lab) and hints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import utcnow
from marketplace.extensions import db

LEARNER_MAX = 40
EVIDENCE_MAX = 500
BY_LEARNER = "learner"
BY_LAB = "lab"


class ChallengeSolve(db.Model):
    """A challenge solved by a learner, once by their own hand and once shown by the lab."""

    __tablename__ = "challenge_solves"
    __table_args__ = (UniqueConstraint("learner", "lesson", "exploit", "by"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner: Mapped[str] = mapped_column(String(LEARNER_MAX), index=True)
    lesson: Mapped[str] = mapped_column(String(64))
    exploit: Mapped[str] = mapped_column(String(64))
    by: Mapped[str] = mapped_column(String(8))  # "learner" or "lab"
    evidence: Mapped[str] = mapped_column(String(EVIDENCE_MAX))
    solved_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The "Challenge solved" notice waits for the learner's next page until shown.
    notified: Mapped[bool] = mapped_column(default=False)


class HintUse(db.Model):
    """A hint a learner opened (hints open one at a time, in order, and are counted)."""

    __tablename__ = "challenge_hints"

    learner: Mapped[str] = mapped_column(String(LEARNER_MAX), primary_key=True)
    lesson: Mapped[str] = mapped_column(String(64), primary_key=True)
    exploit: Mapped[str] = mapped_column(String(64), primary_key=True)
    hint: Mapped[int] = mapped_column(primary_key=True)  # 0, 1, 2
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
