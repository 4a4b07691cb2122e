"""``make bench``: run the figures, write BENCHMARKS.md and the raw results.

Each figure is a module with ``measure`` (returns plain data) and ``report`` (returns the
Markdown lines of its section); this file only seeds the databases, runs what ``--only``
asks for and writes the report. Raw results go to bench/results/ (ignored by git).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click

from . import (
    fig_audit,
    fig_busy_lab,
    fig_cracking,
    fig_scale,
    fig_tests,
    fig_throughput,
    report,
)
from .data import drop_dataset, make_dataset
from .load import load_tool, load_tool_warning
from .servers import ROOT, log

FIGURES = ("throughput", "tax", "scale", "cracking", "audit", "tests", "busy")


def _postgres() -> str:
    """The PostgreSQL server figures 2-3 also run on (as figure 7 finds it), or "" when it
    does not answer: then their sections say PostgreSQL was not measured."""
    url, _ = fig_busy_lab.urls()
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(
        make_url(url).set(drivername="postgresql+psycopg"), connect_args={"connect_timeout": 3}
    )
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means: no PostgreSQL for this run
        return ""
    finally:
        engine.dispose()
    return url


@dataclass
class Config:
    quick: bool
    workers: int
    connections: int
    seconds: float
    runs: int
    samples: int
    audit_runs: int
    crack_runs: int
    crack_budget: float
    large: int
    busy_learners: int
    busy_seconds: float
    busy_arrivals: float


def config(quick: bool) -> Config:
    return Config(
        quick=quick,
        workers=4,  # issue 16: gunicorn, 4 sync workers, wrk 16 connections
        connections=16,
        seconds=1 if quick else 3,
        runs=3 if quick else 7,
        samples=10 if quick else 40,
        audit_runs=1 if quick else 3,
        crack_runs=3 if quick else 7,
        crack_budget=0.5 if quick else 2.0,
        large=50_000 if quick else 1_000_000,
        busy_learners=10 if quick else 40,  # issue 16: 40 learners for 60 s
        busy_seconds=10 if quick else 60,
        busy_arrivals=2 if quick else 10,
    )


@click.command()
@click.option("--quick", is_flag=True, help="Small data and short runs (CI-sized).")
@click.option("--out", type=click.Path(path_type=Path), default=ROOT / "BENCHMARKS.md")
@click.option(
    "--only",
    default=",".join(FIGURES),
    show_default=True,
    help="Comma-separated figures to run.",
)
def main(quick: bool, out: Path, only: str) -> None:
    """Measure the figures and write BENCHMARKS.md."""
    chosen = {name.strip() for name in only.split(",") if name.strip()}
    unknown = chosen - set(FIGURES)
    if unknown:
        raise click.BadParameter(
            f"unknown figure(s) {', '.join(sorted(unknown))}", param_hint="--only"
        )
    cfg = config(quick)
    info = {**report.machine(), "tool": load_tool()}
    log(f"Machine: {info['cpu']}, {info['cores']} cores; load tool: {info['tool']}")
    warning = load_tool_warning()
    if warning and chosen & {"throughput", "tax"}:
        log(warning)
    workdir = Path(tempfile.mkdtemp(prefix="marketplace-bench-"))
    figures: dict = {}
    datasets: dict = {}
    failed: list[str] = []
    started = time.perf_counter()
    try:
        if chosen & {"tax", "scale", "throughput"}:  # the busy lab makes its own, on PostgreSQL
            log("Seeding databases (SQLite):")
        if chosen & {"tax", "scale"}:
            datasets["small"] = make_dataset(workdir, "small", 1_000)
        if "throughput" in chosen:
            datasets["100k"] = make_dataset(workdir, "100k", 100_000)
        if "scale" in chosen:
            datasets["large"] = make_dataset(workdir, "large", cfg.large)
            if postgres := _postgres():
                log("Seeding databases (PostgreSQL):")
                datasets["small (PostgreSQL)"] = make_dataset(workdir, "small", 1_000, postgres)
                datasets["large (PostgreSQL)"] = make_dataset(workdir, "large", cfg.large, postgres)
        plan = {
            "throughput": lambda: fig_throughput.measure(cfg, workdir, datasets["100k"]),
            "tax": lambda: fig_throughput.measure_tax(cfg, workdir, datasets["small"]),
            "scale": lambda: fig_scale.measure(cfg, workdir, datasets["small"], datasets["large"]),
            "scale-postgres": lambda: fig_scale.measure(
                cfg,
                workdir,
                datasets["small (PostgreSQL)"],
                datasets["large (PostgreSQL)"],
                "PostgreSQL",
            ),
            "cracking": lambda: fig_cracking.measure(cfg),
            "audit": lambda: fig_audit.measure(cfg, workdir),
            "tests": lambda: fig_tests.measure(cfg),
            "busy": lambda: fig_busy_lab.measure(cfg, workdir),
        }
        for name, measure in plan.items():
            if name.removesuffix("-postgres") not in chosen or (
                name.endswith("-postgres") and "large (PostgreSQL)" not in datasets
            ):
                continue
            try:
                figures[name] = measure()
            except Exception as exc:  # noqa: BLE001 - one broken figure must not lose the rest
                log(f"  {name}: FAILED ({exc!r}); its section says it was not measured")
                failed.append(f"{name}: {exc!r}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        for dataset in datasets.values():
            drop_dataset(dataset)
    info["load_after"] = report._loadavg()
    report.write(out, cfg, info, figures, datasets)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    raw = {"machine": info, "config": cfg.__dict__, "figures": figures}
    (results / f"bench-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(
        json.dumps(raw, indent=1, default=lambda o: getattr(o, "__dict__", str(o)))
    )
    log(f"\nWrote {out} in {time.perf_counter() - started:.0f} s.")
    if failed:
        raise click.ClickException("figures that failed: " + "; ".join(failed))


if __name__ == "__main__":
    main()
