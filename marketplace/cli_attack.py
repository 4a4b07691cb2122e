"""``marketplace attack`` (one running server) and ``marketplace audit`` (every stage).

Plain click commands, registered on the ``marketplace`` group by ``cli.py``.
"""

from __future__ import annotations

import json
import sys

import click

from .lessons import all_lessons, get_lesson
from .lessons.registry import UnknownLesson


def _lessons(slugs: tuple[str, ...]):
    try:
        return [get_lesson(slug) for slug in slugs] if slugs else list(all_lessons())
    except UnknownLesson as exc:
        raise click.ClickException(str(exc)) from None


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@click.command("attack")
@click.argument("lessons", nargs=-1)
@click.option("--exploit", "exploit_name", help="Run only this exploit.")
@click.option("--target", required=True, help="Base URL of a running marketplace.")
@click.option("--json", "as_json", is_flag=True, help="Print the evidence as JSON.")
def attack_command(
    lessons: tuple[str, ...], exploit_name: str | None, target: str, as_json: bool
) -> None:
    """Run exploits against a running server and print what happened."""
    from .exploits import LiveTarget
    from .exploits.runner import run_exploit

    rows = []
    for lesson in _lessons(lessons):
        exploits = lesson.exploits
        if exploit_name:
            exploits = [e for e in exploits if e.name == exploit_name]
        for exploit in exploits:
            outcome = run_exploit(exploit, LiveTarget(target))
            rows.append({"lesson": lesson.slug, "exploit": exploit.name, **outcome.as_dict()})
    if not rows:
        if exploit_name:
            raise click.ClickException(f"no exploit named {exploit_name!r} in those lessons")
        raise click.ClickException("those lessons have no exploits yet")
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(f"{'lesson':<26} {'exploit':<30} {'outcome':<10} evidence")
    for row in rows:
        click.echo(
            f"{row['lesson']:<26} {row['exploit']:<30} {row['outcome']:<10} "
            f"{_short(row['summary'])}"
        )


@click.command("audit")
@click.argument("lessons", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print every cell as JSON.")
def audit_command(lessons: tuple[str, ...], as_json: bool) -> None:
    """Every exploit against every stage, checked against the catalogue (exit 1 on mismatch)."""
    from .audit import audit, lab_app
    from .exploits.browser import browser_unavailable
    from .exploits.runner import live_server

    chosen = _lessons(lessons)
    interactive = sys.stderr.isatty()

    def progress(cell, done: int, total: int) -> None:
        mark = "ok" if cell.matches else "MISMATCH"
        line = (
            f"[{done:>3}/{total}] {cell.lesson} @ {cell.stage}: {cell.exploit} "
            f"-> {cell.outcome.label} ({mark}, {cell.seconds:.1f}s)"
        )
        if interactive or not as_json:
            click.echo(line, err=True)

    def skip(exploit):
        return browser_unavailable() if exploit.needs_browser else None

    with lab_app() as app, live_server(app) as url:
        cells = audit(app, url, chosen, progress=progress, skip=skip)
    if as_json:
        click.echo(json.dumps([cell.as_dict() for cell in cells], indent=2))
    else:
        click.echo(f"\n{'lesson':<26} {'stage':<28} {'exploit':<30} {'expected':<10} outcome")
        for cell in cells:
            flag = "" if cell.matches else "   <-- MISMATCH"
            click.echo(
                f"{cell.lesson:<26} {cell.stage:<28} {cell.exploit:<30} "
                f"{cell.expected:<10} {cell.outcome.label}{flag}"
            )
    bad = [cell for cell in cells if not cell.matches]
    if bad:
        click.echo(f"{len(bad)} of {len(cells)} cells differ from the catalogue.", err=True)
        sys.exit(1)
    click.echo(f"All {len(cells)} cells match the catalogue.", err=True)
