"""``marketplace fix``: the learner writes a lesson's fix, the exploits and feature checks grade it.

``fix start`` copies a stage into the workspace, ``fix check`` attacks the copy in a scratch
app (exit 0 pass, 1 fail, 2 could not run), ``fix diff`` compares it with the stage it came
from, ``fix reset`` removes it. Registered on the ``marketplace`` group by ``cli.py``.
"""

from __future__ import annotations

import json
import sys

import click

from .cli_help import Group
from .lessons import get_lesson, workspace
from .lessons.registry import UnknownLesson

EXIT_ERROR = 2


def _lesson(slug: str):
    try:
        return get_lesson(slug)
    except UnknownLesson as exc:
        raise click.ClickException(str(exc)) from None


@click.group("fix", cls=Group)
def fix_group() -> None:
    """Write a lesson's fix yourself; the exploits and feature checks grade it."""


@fix_group.command("start")
@click.argument("lesson")
@click.option("--from", "stage", help="The stage to copy (default: the lesson's first).")
@click.option("--force", is_flag=True, help="Replace your file if it exists.")
def fix_start(lesson: str, stage: str | None, force: bool) -> None:
    """Copy a stage of LESSON to the workspace, for you to rewrite into a fix."""
    chosen = _lesson(lesson)
    try:
        path = workspace.start(chosen, stage, force=force)
    except KeyError as exc:
        raise click.ClickException(exc.args[0]) from None
    except workspace.WorkspaceError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{chosen.slug}: stage {workspace.origin(chosen)} copied to {path}")
    click.echo(f"\nThe seam ({chosen.seam_summary}) — your file must define:")
    for signature, doc in workspace.seam_help(chosen):
        click.echo(f"\n  {signature}")
        for line in doc.splitlines():
            click.echo(f"      {line}")
    click.echo(
        f"\nNext: edit {path}, then run `marketplace fix check {chosen.slug}`"
        f"\n(or `marketplace lab set {chosen.slug} {workspace.YOURS}` to try it in the lab)."
    )


@fix_group.command("check")
@click.argument("lesson")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def fix_check(lesson: str, as_json: bool) -> None:
    """Attack your fix in a scratch app and check the feature still works (exit 0/1/2)."""
    from .audit import scratch_log
    from .exploits.browser import browser_unavailable
    from .fixcheck import grade

    chosen = _lesson(lesson)
    path = workspace.file_of(chosen)
    if not path.exists():
        click.echo(f"Error: {workspace.missing_message(chosen)}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"Checking {path} (a scratch app; this takes a few seconds)…", err=True)
    # The scratch server's log (your code's tracebacks, the migrations) goes to a file.
    with scratch_log("marketplace-fix-") as log_path:
        report = grade(chosen, path, browser=browser_unavailable() is None)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(report.text())
        click.echo(f"({report.seconds:.1f} s)", err=True)
    if report.exit_code:
        click.echo(f"The scratch server's log (tracebacks of your code): {log_path}", err=True)
    else:
        log_path.unlink(missing_ok=True)
    sys.exit(report.exit_code)


@fix_group.command("diff")
@click.argument("lesson")
def fix_diff(lesson: str) -> None:
    """Show your file against the stage it was copied from."""
    chosen = _lesson(lesson)
    try:
        text = workspace.diff(chosen)
    except workspace.WorkspaceError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(
        text
        or f"{workspace.file_of(chosen)}: no change from stage {workspace.origin(chosen)} yet.",
        nl=not text,
    )


@fix_group.command("reset")
@click.argument("lesson")
@click.option("--yes", is_flag=True, help="Do not ask first.")
def fix_reset(lesson: str, yes: bool) -> None:
    """Remove your file for LESSON (asks first)."""
    chosen = _lesson(lesson)
    path = workspace.file_of(chosen)
    if not path.exists():
        click.echo(f"{path}: nothing to remove.")
        return
    if not yes:
        click.confirm(f"Remove {path} (your fix)?", abort=True)
    workspace.reset(chosen)
    click.echo(f"Removed {path}.")
