"""Figure 7: a busy lab. Simulated learners on gunicorn + PostgreSQL + Redis (issue 16).

The driver is ``bench/busy_lab.py`` (the CI test runs it smaller). The ratio this figure
reports is the tail against the middle: p99 latency over the median, goal at most 10.
PostgreSQL comes from ``BENCH_POSTGRES_URL`` (else ``MARKETPLACE_TEST_POSTGRES_URL``, else
the local server's ``postgres`` database), Redis from ``BENCH_REDIS_URL``; when either
does not answer, the section says so and the other figures go on.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from . import busy_lab
from .learner import STAGES
from .servers import log

GOAL_TAIL = 10  # issue 16: p99 at most 10x the median
KIND_LABELS = {
    "learner": "pick the lab name (`/lab/`, `POST /lab/learner`)",
    "login": "log in (form, `POST /user/login`)",
    "search": "search (`GET /listings/?q=`)",
    "create": "post a listing (form, `POST /listings/create`)",
    "upload": "bulk upload, 2 listings of XML (form, `POST /listings/upload`)",
    "api": "JSON API (`GET /api/v1/listings`)",
    "challenge": "the learner's challenge, by hand",
}


def urls() -> tuple[str, str]:
    postgres = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get(
        "MARKETPLACE_TEST_POSTGRES_URL", busy_lab.DEFAULT_POSTGRES_URL
    )
    return postgres, os.environ.get("BENCH_REDIS_URL", busy_lab.DEFAULT_REDIS_URL)


def measure(cfg, workdir: Path) -> dict:
    workshop = busy_lab.Workshop(
        learners=cfg.busy_learners,
        seconds=cfg.busy_seconds,
        workers=cfg.workers,
        arrivals=cfg.busy_arrivals,
    )
    log(
        f"\n[7] A busy lab: {workshop.learners} learners for {workshop.seconds:g} s, "
        f"gunicorn {workshop.workers} workers, PostgreSQL, Redis"
    )
    postgres, redis = urls()
    # The machine may be shared: the section says how busy it was besides the lab.
    when, load_before = datetime.now(UTC), _loadavg()
    try:
        outcome = busy_lab.run(workshop, postgres, redis, folder=workdir)
    except busy_lab.Unavailable as exc:
        log(f"  not measured: {exc}")
        return {"missing": str(exc)}
    s = outcome.summary()
    log(
        f"  {s['requests']} requests, {s['rps']:.0f}/s; median {s['median_ms']:.0f} ms, "
        f"p99 {s['p99_ms']:.0f} ms (x{s['p99_over_median']:.1f}); errors {s['errors']}, "
        f"5xx {s['server_errors']}; progress exact for {s['exact']}/{s['learners']}"
    )
    return {
        "when": f"{when:%Y-%m-%d %H:%M} UTC",
        "load": (load_before, _loadavg()),
        "workshop": workshop.__dict__,
        "summary": s,
        "by_kind": outcome.by_kind(),
        "problems": outcome.problems(),
    }


def _loadavg() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _verdict(s: dict) -> str:
    failed = []
    if s["p99_over_median"] > GOAL_TAIL:
        failed.append(f"p99 is {s['p99_over_median']:.1f}x the median")
    if s["errors"] or s["server_errors"] or s["unexpected"] or s["server_log_errors"]:
        failed.append("some requests failed")
    if s["exact"] != s["learners"] or s["stray_solves"]:
        failed.append("some progress was not exactly what was solved")
    return "Goals met." if not failed else "Goals **not met**: " + "; ".join(failed) + "."


def report(cfg, result: dict | None) -> list[str]:
    lines = ["## 7. A busy lab", ""]
    if not result:
        return lines + ["Not measured in this run (`--only` left it out).", ""]
    if "missing" in result:
        return lines + [
            f"**Not measured**: {result['missing']}. The figure needs PostgreSQL "
            "(`BENCH_POSTGRES_URL`, else `MARKETPLACE_TEST_POSTGRES_URL`, else "
            f"`{busy_lab.DEFAULT_POSTGRES_URL}`) and Redis (`BENCH_REDIS_URL`, default "
            f"`{busy_lab.DEFAULT_REDIS_URL}`).",
            "",
        ]
    w, s = result["workshop"], result["summary"]
    before, after = result.get("load", ("?", "?"))
    stages = ", ".join(f"{lesson}=`{stage}`" for lesson, stage in STAGES.items())
    lines += [
        f"{w['learners']} simulated learners for {w['seconds']:g} s against `gunicorn "
        f"--workers {w['workers']} --worker-class sync` (lab mode), PostgreSQL (a scratch "
        "database: the real migrations and the demo seed) and Redis (the throttle "
        "counters, `MARKETPLACE_RATELIMIT_URL`, read at every login), all on loopback "
        "(`bench/busy_lab.py`). Each learner has an account and a lab name of their own, "
        "arrives (learners arrive over "
        f"{w['arrivals']:g} s), picks their name and logs in once, then loops: search, post "
        "a listing, upload XML, read the API, and solve their one challenge by hand (plain "
        "HTTP, never the lab exploits' header), again every round, until the time is up "
        "(everyone finishes a first round). The six challenges, "
        "spread over the learners, are judged on what one request did, none by a "
        f"per-process ledger; their stages: {stages}. Learners wait for each answer and "
        "send the next request at once (no think time): the server is saturated, so "
        "latencies include queueing. Afterwards each learner's `/lab/progress.json` (with "
        "their cookie) and the `challenge_solves` table are compared with what they solved.",
        "",
        f"Measured {result.get('when', '?')}; load average (1, 5, 15 min) {before} before "
        f"and {after} after (learners, servers and any other job share the machine).",
        "",
        "| figure | value | goal |",
        "|---|---:|---:|",
        f"| requests | {s['requests']:,} | |",
        f"| requests/s | {s['rps']:,.0f} | |",
        f"| latency median / p90 / p99 / max | {s['median_ms']:.0f} / {s['p90_ms']:.0f} / "
        f"{s['p99_ms']:.0f} / {s['max_ms']:.0f} ms | |",
        f"| **p99 / median** | **{s['p99_over_median']:.1f}** | ≤ {GOAL_TAIL} |",
        f"| errors (no answer, timeouts) | {s['errors']} | 0 |",
        f"| 5xx answers | {s['server_errors']} | 0 |",
        f"| other unexpected answers | {s['unexpected']} | 0 |",
        f"| learners whose progress was exactly what they solved | {s['exact']}/"
        f"{s['learners']} | {s['learners']}/{s['learners']} |",
        f"| solves recorded that no learner made | {s['stray_solves']} | 0 |",
        "",
        "| request | count | median ms | p99 ms |",
        "|---|---:|---:|---:|",
    ]
    for kind, label in KIND_LABELS.items():
        k = result["by_kind"].get(kind)
        if k:
            lines.append(
                f"| {label} | {k['requests']:,} | {k['median_ms']:.0f} | {k['p99_ms']:.0f} |"
            )
    lines += ["", _verdict(s)]
    if result["problems"]:
        lines += ["", "First problems seen:", ""]
        lines += [f"- `{problem[:200]}`" for problem in result["problems"]]
    return lines + [""]
