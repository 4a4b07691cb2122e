"""``marketplace attack`` (one running server) and ``marketplace audit`` (every stage).

Exit status: ``attack`` 0 when every exploit ran (exploited or defended), 2 when any
ended in ``error`` or the target did not answer; ``audit`` 0 when every cell matches the
catalogue, 1 on a mismatch, 2 when any cell is ``error``.

Plain click commands, registered on the ``marketplace`` group by ``cli.py``.
"""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from .lessons import all_lessons, get_lesson
from .lessons.registry import UnknownLesson

EXIT_ERROR = 2
EXIT_MISMATCH = 1


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
    """Run exploits against a running server (exit 2 if any could not run)."""
    from .audit import attack
    from .exploits.runner import check_reachable

    plan = [
        (lesson, exploit)
        for lesson in _lessons(lessons)
        for exploit in lesson.exploits
        if not exploit_name or exploit.name == exploit_name
    ]
    if not plan:
        if exploit_name:
            raise click.ClickException(f"no exploit named {exploit_name!r} in those lessons")
        raise click.ClickException("those lessons have no exploits yet")
    away = check_reachable(target)
    if away:
        click.echo(f"Error: {away}; start it with `marketplace run` or check --target.", err=True)
        sys.exit(EXIT_ERROR)
    cells = attack(target, plan)
    if as_json:
        click.echo(json.dumps([cell.as_dict() for cell in cells], indent=2))
    else:
        click.echo(f"{'lesson':<26} {'exploit':<30} {'stage':<26} {'outcome':<10} evidence")
        for cell in cells:
            click.echo(
                f"{cell.lesson:<26} {cell.exploit:<30} {cell.stage or '?':<26} "
                f"{cell.outcome.label:<10} {_short(cell.outcome.summary)}"
            )
    errors = [cell for cell in cells if cell.outcome.error]
    if errors:
        click.echo(f"{len(errors)} of {len(cells)} exploits could not run (error).", err=True)
        sys.exit(EXIT_ERROR)


@click.command("audit")
@click.argument("lessons", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print every cell as JSON.")
def audit_command(lessons: tuple[str, ...], as_json: bool) -> None:
    """Every exploit against every stage, checked against the catalogue (exit 1/2)."""
    from .audit import audit, lab_app, scratch_log
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
        # At a terminal a line per cell shows progress; in a pipe the table says it all.
        if interactive:
            click.echo(line, err=True)

    def skip(exploit):
        return browser_unavailable() if exploit.needs_browser else None

    with scratch_log() as log_path, lab_app() as app, live_server(app) as url:
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
    errors = [cell for cell in cells if cell.outcome.error]
    bad = [cell for cell in cells if not cell.matches]
    for cell in errors:
        click.echo(
            f"error: {cell.lesson} @ {cell.stage}: {cell.exploit}: {cell.outcome.summary}",
            err=True,
        )
    if bad:
        click.echo(f"{len(bad)} of {len(cells)} cells differ from the catalogue.", err=True)
        click.echo(f"The scratch server's log: {log_path}", err=True)
        sys.exit(EXIT_ERROR if errors else EXIT_MISMATCH)
    log_path.unlink(missing_ok=True)
    click.echo(f"All {len(cells)} cells match the catalogue.", err=True)


@click.command("clean")
@with_appcontext
def lab_clean() -> None:
    """Delete what interrupted exploits left: accounts at the exploits' e-mail domain."""
    from .audit import remove_exploit_accounts
    from .exploits.target import EXPLOIT_DOMAIN

    removed, listings = remove_exploit_accounts()
    click.echo(
        f"Removed {removed} exploit account{'s' if removed != 1 else ''} "
        f"(@{EXPLOIT_DOMAIN}) and their {listings} listing{'s' if listings != 1 else ''}."
    )
