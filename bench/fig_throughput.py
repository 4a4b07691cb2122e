"""Figure 1: requests per second at 100k listings, against a bare Flask hello world.

gunicorn with sync workers serves the marketplace (lab mode, SQLite) and ``bench/hello.py``;
wrk (or the Python fallback) loads each URL in turn, run after run, so both sides see the
same machine load. Also the security tax: ``/user/welcome`` with every lesson at its first
stage vs every lesson fixed.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
from pathlib import Path

from .data import Dataset, app_env, session_cookie
from .load import Series, load
from .servers import fetch, gunicorn, log

GOALS = {"index": 0.5, "api": 0.5, "welcome": 0.4}  # issue 16: at least this × hello world
LABELS = {
    "hello": "`GET /` hello world (baseline)",
    "index": "`GET /listings/`",
    "api": "`GET /api/v1/listings?after=<cursor>` (cursor mode)",
    "welcome": "`GET /user/welcome`, logged in",
    "floor": "`GET /`: a redirect, every hook and no view work (the floor)",
    "prod_floor": "`GET /`, production mode (no lab)",
    "prod_index": "`GET /listings/`, production mode (no lab)",
}
# Not goals: what bounds them. The marketplace's own ``GET /`` answers a redirect after
# every before/after-request hook and renders nothing, so no page of the app can serve
# more requests per second than it; production mode (no lab) shows what the lab's hooks
# add to every request (the stage look-up reads the stage version, detectors run).
FLOOR_ROWS = ("floor", "prod_floor", "prod_index")


def _production_env(data: Dataset) -> dict:
    return {
        **app_env(data.path),
        "MARKETPLACE_ENV": "production",
        "MARKETPLACE_SECRET_KEY": secrets.token_hex(32),  # production wants 32 bytes
    }


def _alternate(cfg, urls: dict, headers: dict) -> dict[str, Series]:
    """Warm every URL up, then run each in turn ``cfg.runs`` times."""
    results = {name: Series() for name in urls}
    for name, url in urls.items():
        load(url, 1, cfg.connections, headers.get(name))
    for _ in range(cfg.runs):
        for name, url in urls.items():
            result = load(url, cfg.seconds, cfg.connections, headers.get(name))
            results[name].values.append(result.rps)
            results[name].errors += result.errors
    return results


def measure(cfg, workdir: Path, data: Dataset) -> dict:
    log("\n[1] Throughput at 100k listings vs a bare Flask hello world")
    with (
        gunicorn("hello", "hello:app", workdir, cfg.workers) as hello,
        gunicorn(
            "app-100k", "marketplace.wsgi:app", workdir, cfg.workers, app_env(data.path)
        ) as app,
        gunicorn(
            "app-100k-production", "marketplace.wsgi:app", workdir, cfg.workers,
            _production_env(data),
        ) as production,
    ):  # fmt: skip
        _, _, body = fetch(app.base + "/api/v1/listings")
        cursor = json.loads(body)["next"]
        cookie = session_cookie(
            app, "bench-throughput@example.com", "Bench-" + secrets.token_hex(8)
        )
        urls = {
            "hello": hello.base + "/",
            "index": app.base + "/listings/",
            "api": app.base + f"/api/v1/listings?after={cursor}",
            "welcome": app.base + "/user/welcome",
            "floor": app.base + "/",
            "prod_floor": production.base + "/",
            "prod_index": production.base + "/listings/",
        }
        results = _alternate(cfg, urls, {"welcome": {"Cookie": cookie}})
        server_errors = app.error_lines() + production.error_lines()
    base = results["hello"].median
    for name, s in results.items():
        log(f"  {name:<8} {s.median:>9,.0f} req/s (runs {s.spread}) ratio {s.median / base:.3f}")
    return {"series": results, "server_errors": server_errors}


def measure_tax(cfg, workdir: Path, small: Dataset) -> dict:
    log("\n[1b] Security tax: GET /user/welcome, every lesson fixed vs every first stage")
    stages = {"first": "all=vulnerable", "fixed": ""}
    with contextlib.ExitStack() as stack:
        urls, headers = {}, {}
        for name, spec in stages.items():
            copy = workdir / f"tax-{name}.sqlite"
            shutil.copy(small.path, copy)
            server = stack.enter_context(
                gunicorn(f"tax-{name}", "marketplace.wsgi:app", workdir, cfg.workers,
                         app_env(copy, spec))
            )  # fmt: skip
            password = "Bench-" + secrets.token_urlsafe(10)
            cookie = session_cookie(server, f"bench-{name}@example.com", password)
            urls[name], headers[name] = server.base + "/user/welcome", {"Cookie": cookie}
        results = _alternate(cfg, urls, headers)
    base = results["first"].median
    for name, s in results.items():
        log(f"  {name:<6} {s.median:>9,.0f} req/s (runs {s.spread}) ratio {s.median / base:.3f}")
    return {"series": results}


def report(cfg, result: dict | None, tax: dict | None) -> list[str]:
    lines = ["## 1. Throughput at 100k listings vs a bare Flask hello world", ""]
    if not result:
        return lines + ["Not measured in this run (`--only` left it out).", ""]
    s = result["series"]
    base = s["hello"].median
    lines += [
        "| endpoint | median req/s | spread | ratio to hello world | goal | errors |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for name, label in LABELS.items():
        if name not in s:  # a result written before the floor rows were measured
            continue
        goal = f"≥ {GOALS[name]}" if name in GOALS else ""
        lines.append(
            f"| {label} | {s[name].median:,.0f} | {s[name].spread} | "
            f"{s[name].median / base:.3f} | {goal} | {s[name].errors} |"
        )
    lines += [
        "",
        f"Server-side errors logged: {len(result['server_errors'])}. Spreads are min–max over "
        f"{cfg.runs} runs; every ratio compares medians of runs that alternated with the "
        "baseline.",
        "",
    ]
    lines += _floor_report(s)
    if tax:
        t = tax["series"]
        verdict = (
            "the spreads overlap: within run-to-run noise"
            if t["first"].overlaps(t["fixed"])
            else "the spreads do not overlap"
        )
        lines += [
            "Security tax (1,000 listings): `GET /user/welcome` with every lesson fixed "
            f"served {t['fixed'].median:,.0f} req/s ({t['fixed'].spread}) against "
            f"{t['first'].median:,.0f} ({t['first'].spread}) with every lesson at its first "
            f"stage: ratio {t['fixed'].median / t['first'].median:.3f}; {verdict}.",
            "",
        ]
    return lines


def _floor_report(s: dict) -> list[str]:
    """What the floor rows say about goal 1 (nothing when they were not measured)."""
    if not all(name in s for name in FLOOR_ROWS):
        return []
    base = s["hello"].median
    floor, prod_floor = s["floor"].median / base, s["prod_floor"].median / base
    beyond = [f"{LABELS[name]} (≥ {goal})" for name, goal in GOALS.items() if floor < goal]
    bound = (
        f"below the goal{'s' if len(beyond) > 1 else ''} of {'; '.join(beyond)}: no view, "
        f"however fast, reaches {'it' if len(beyond) == 1 else 'them'} while every request "
        "pays for the hooks"
        if beyond
        else "above every goal of this figure: the views, not the hooks, stand between "
        "the pages and the goals"
    )
    return [
        f"The floor: the marketplace's own `GET /` passes every before- and after-request "
        f"hook (the Host and loopback checks, the lesson stages' look-up, the session and "
        f"the logged-in user, the security headers, the lab's challenge detectors) and "
        f"answers a redirect without touching a listing or a template. No page of the app "
        f"can serve more requests per second than it. In lab mode it serves {floor:.3f} of "
        f"the hello world, {bound}. In production mode (no lab: no stage look-up, no "
        f"detectors) the floor is {prod_floor:.3f} and `/listings/` "
        f"{s['prod_index'].median / base:.3f} of the hello world.",
        "",
    ]
