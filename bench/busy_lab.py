"""A busy lab: simulated learners against gunicorn, PostgreSQL and Redis (issue 16, goal 7).

:func:`run` makes a scratch PostgreSQL database (the real migrations, the demo seed, one
account per learner), serves it with gunicorn in lab mode (throttle counters in Redis; the
stages that make the learners' challenges solvable), lets every learner of
``bench/learner.py`` work for the given time, then compares each learner's progress, as
``/lab/progress.json`` and the ``challenge_solves`` table say, with exactly what that
learner solved. The bench figure (``bench/fig_busy_lab.py``) and the CI test
(``tests/reliability/test_workshop.py``) both run it; only their sizes differ.
"""

from __future__ import annotations

import contextlib
import secrets
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from marketplace.gunicorn_server import gunicorn

from .learner import CHALLENGES, STAGES, Learner, Record
from .load import percentile

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"  # a Redis database of its own (tests use 3)
DATABASE_PREFIX = "busy_lab_"
ROUND_REQUESTS = 16  # a learner's arrival and first round, with room to spare


class Unavailable(Exception):
    """A service the busy lab needs does not answer; the message says which and where."""


@dataclass(frozen=True)
class Workshop:
    learners: int = 40
    seconds: float = 60
    workers: int = 4
    arrivals: float = 10  # learners arrive one after another over this many seconds
    timeout: float = 30  # the longest a learner waits for one answer


@dataclass
class Outcome:
    workshop: Workshop
    seconds: float  # from the first learner's arrival to the last learner's last answer
    records: list[Record]
    learners: list[dict]  # name, challenge, solved, progress, exact
    stray_solves: list[tuple]  # challenge_solves rows that no learner's solve explains
    server_errors: list[str]  # gunicorn log lines with a traceback or a 500

    @property
    def exact(self) -> int:
        return sum(1 for learner in self.learners if learner["exact"])

    def summary(self) -> dict:
        times = [r.seconds for r in self.records] or [float("nan")]
        median, p99 = statistics.median(times), percentile(times, 0.99)
        return {
            "requests": len(self.records),
            "rps": len(self.records) / self.seconds if self.seconds else 0.0,
            "median_ms": median * 1000,
            "p90_ms": percentile(times, 0.90) * 1000,
            "p99_ms": p99 * 1000,
            "max_ms": max(times) * 1000,
            "p99_over_median": p99 / median if median else float("nan"),
            "errors": sum(1 for r in self.records if r.status == 0),
            "server_errors": sum(1 for r in self.records if r.status >= 500),
            "unexpected": sum(1 for r in self.records if r.status and not r.expected),
            "kinds": dict(Counter(r.kind for r in self.records)),
            "exact": self.exact,
            "learners": len(self.learners),
            "stray_solves": len(self.stray_solves),
            "server_log_errors": len(self.server_errors),
        }

    def by_kind(self) -> dict[str, dict]:
        """Per kind of request: how many, median and p99 latency in ms."""
        kinds: dict[str, list[float]] = {}
        for record in self.records:
            kinds.setdefault(record.kind, []).append(record.seconds * 1000)
        return {
            kind: {
                "requests": len(times),
                "median_ms": statistics.median(times),
                "p99_ms": percentile(times, 0.99),
            }
            for kind, times in kinds.items()
        }

    def problems(self, limit: int = 10) -> list[str]:
        """The first few things that went wrong, in words (for a test's message)."""
        found = [f"{r.kind} {r.status} {r.error}" for r in self.records if not r.expected]
        found += [f"inexact progress: {v}" for v in self.learners if not v["exact"]]
        found += [f"stray solve: {row}" for row in self.stray_solves]
        return (found + self.server_errors)[:limit]


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        raise Unavailable(f"Redis does not answer at {url}: {exc}") from exc


@contextlib.contextmanager
def scratch_database(admin_url: str, prefix: str = DATABASE_PREFIX) -> Iterator[str]:
    """A new, empty database on the server of ``admin_url``; dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from marketplace.config import database_url

    base = database_url(admin_url, "")
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        raise Unavailable(f"PostgreSQL does not answer at {admin_url}: {exc.orig}") from exc
    try:
        yield urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str, count: int, password: str) -> list[tuple[str, str]]:
    """Migrate (as ``marketplace db upgrade``), seed the demo, add one account per learner.

    The learners share one password hash: hashing each (Argon2id, on purpose slow) would
    add seconds of set-up that the figure does not measure.
    """
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.demo import seed_demo
    from marketplace.extensions import db
    from marketplace.models import User
    from marketplace.password_storage import hash_password

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "prepare", "STAGES": ""})
    accounts = [(f"learner-{n:02d}", f"learner-{n:02d}@workshop.example.com") for n in range(count)]
    with app.app_context():
        upgrade()
        seed_demo()
        digest = hash_password(password)
        db.session.add_all(User(full_name=n, email=e, password_hash=digest) for n, e in accounts)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return accounts


def recorded_solves(url: str) -> list[tuple[str, str, str, str]]:
    """Every row of ``challenge_solves``: (learner, lesson, exploit, by)."""
    from sqlalchemy import create_engine, select

    from marketplace.challenges.models import ChallengeSolve
    from marketplace.config import database_url

    engine = create_engine(database_url(url, ""))
    try:
        with engine.connect() as conn:
            columns = (ChallengeSolve.learner, ChallengeSolve.lesson)
            columns += (ChallengeSolve.exploit, ChallengeSolve.by)
            return [tuple(row) for row in conn.execute(select(*columns))]
    finally:
        engine.dispose()


def stage_spec() -> str:
    return ",".join(f"{lesson}={stage}" for lesson, stage in STAGES.items())


def _work(learner: Learner, delay: float) -> None:
    time.sleep(delay)
    learner.work()


def _verdict(learner: Learner) -> dict:
    expected = {(*key, "learner") for key in learner.solved}
    try:
        shown = learner.progress()
    except Exception as exc:  # noqa: BLE001 - an unreadable progress is an inexact one
        shown = {("progress.json", type(exc).__name__, str(exc)[:100])}
    return {
        "name": learner.name,
        "challenge": "/".join(learner.challenge),
        "solved": sorted("/".join(key[:2]) for key in expected),
        "progress": sorted("/".join(key) for key in shown),
        "rounds": learner.iterations,
        "exact": shown == expected,
    }


def _learners_at(base: str, accounts, password: str, workshop: Workshop) -> list[Learner]:
    return [
        Learner(
            base=base,
            name=name,
            email=email,
            password=password,
            challenge=CHALLENGES[n % len(CHALLENGES)],
            timeout=workshop.timeout,
        )
        for n, (name, email) in enumerate(accounts)
    ]


def run(
    workshop: Workshop,
    postgres_url: str = DEFAULT_POSTGRES_URL,
    redis_url: str = DEFAULT_REDIS_URL,
    folder: Path | None = None,
) -> Outcome:
    """The whole busy lab, every server stopped and the database dropped at the end.

    Raises :class:`Unavailable` when PostgreSQL or Redis does not answer.
    """
    check_redis(redis_url)
    with scratch_database(postgres_url) as url:
        password = "Workshop-" + secrets.token_urlsafe(12)
        accounts = prepare(url, workshop.learners, password)
        env = {
            "MARKETPLACE_DATABASE_URL": url,
            "MARKETPLACE_ENV": "development",  # lab mode: the challenges, vulnerable stages
            "MARKETPLACE_SECRET_KEY": "busy-lab-" + secrets.token_hex(16),
            "MARKETPLACE_STAGES": stage_spec(),
            "MARKETPLACE_RATELIMIT_URL": redis_url,
        }
        with gunicorn(
            workers=workshop.workers,
            env=env,
            name="busy-lab",
            probe="/listings/",
            worker_timeout=60,
            folder=folder,
        ) as server:
            learners = _learners_at(server.base, accounts, password, workshop)
            started = time.monotonic()
            gap = workshop.arrivals / max(1, len(learners))
            threads = []
            for n, learner in enumerate(learners):
                learner.deadline = started + workshop.seconds
                thread = threading.Thread(target=_work, args=(learner, n * gap), daemon=True)
                thread.start()
                threads.append(thread)
            # Every request is bounded, so is every learner: after the time is up, at most
            # the rest of a first round (see Learner._send), or one more request.
            budget = workshop.seconds + workshop.arrivals + ROUND_REQUESTS * workshop.timeout
            for thread in threads:
                thread.join(timeout=max(1.0, started + budget - time.monotonic()))
            elapsed = time.monotonic() - started
            if any(thread.is_alive() for thread in threads):
                raise RuntimeError("a learner was still working long after the time was up")
            verdicts = [_verdict(learner) for learner in learners]
            server_errors = server.error_lines()
        explained = {
            (learner.name, *key, "learner") for learner in learners for key in learner.solved
        }
        stray = [row for row in recorded_solves(url) if row not in explained]
    records = [record for learner in learners for record in learner.records]
    return Outcome(workshop, elapsed, records, verdicts, stray, server_errors)
