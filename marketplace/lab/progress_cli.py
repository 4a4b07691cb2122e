"""``marketplace progress``: a learner's challenges, solved or not, and a reset."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from marketplace.challenges.learner import DEFAULT_LEARNER, LEARNER_RULE, valid_name
from marketplace.challenges.store import reset

from .progress import as_json, board, entries


def _learner(name: str | None) -> str | None:
    if name is None:
        return None
    learner = valid_name(name)
    if learner is None:
        raise click.BadParameter(f"a learner's name is {LEARNER_RULE}", param_hint="--learner")
    return learner


@click.command("progress")
@click.option("--learner", help=f"Whose progress (default: {DEFAULT_LEARNER}).")
@click.option("--json", "as_json_output", is_flag=True, help="Print /lab/progress.json.")
@click.option(
    "--reset",
    "do_reset",
    is_flag=True,
    help="Clear the progress (all learners' unless --learner is given).",
)
@with_appcontext
def progress_command(learner: str | None, as_json_output: bool, do_reset: bool) -> None:
    """Print a learner's challenges: solved (by hand or shown by the lab), stars, hints."""
    name = _learner(learner)
    if do_reset:
        removed = reset(name)
        whose = f"of {name}" if name else "of every learner"
        click.echo(f"Progress {whose} cleared ({removed} solves).")
        return
    name = name or DEFAULT_LEARNER
    if as_json_output:
        click.echo(json.dumps(as_json(name), indent=2))
        return
    click.echo(f"Challenges of {name}:")
    for score in board(name):
        if score.total:
            click.echo(
                f"  {score.lesson.slug}: {score.solved} of {score.total} solved, "
                f"{score.stars} of {score.stars_total} stars, {score.hints_used} hints, "
                f"{score.by_lab} shown by the lab"
            )
    for entry in entries(name):
        mark = {"learner": "solved", "lab": "shown by the lab"}.get(entry.by or "", "open")
        click.echo(
            f"  [{mark}] {entry.lesson.slug}/{entry.challenge.exploit} "
            f"({'*' * entry.challenge.difficulty}): {entry.challenge.goal}"
        )
