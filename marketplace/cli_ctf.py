"""``marketplace ctf export``: the challenges with their flags, for a CTF platform."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .challenges.ctf import CTF_KEY_VARIABLE, ctf_challenges, ctf_key, ctfd_csv
from .cli_help import Group
from .lessons import all_lessons

FORMATS = {"ctfd": ctfd_csv}


@click.group("ctf", cls=Group)
def ctf_group() -> None:
    """Workshops: export the challenges and their flags for a CTF platform."""


@ctf_group.command("export")
@click.option(
    "--format", "format_", type=click.Choice(sorted(FORMATS)), default="ctfd", show_default=True
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The file to write ('-' for standard output).",
)
def ctf_export(format_: str, output: Path) -> None:
    """Write every challenge (name, lesson, goal, points, hints, flag) for import.

    The flags are HMACs under MARKETPLACE_CTF_KEY: give every learner's lab the same key.
    """
    key = ctf_key()
    if key is None:
        click.echo(
            f"Error: {CTF_KEY_VARIABLE} is not set. The flags are HMACs under the trainer's "
            f"secret: export {CTF_KEY_VARIABLE}=<a long random secret> (the same one every "
            "learner's lab is started with) and run this again.",
            err=True,
        )
        sys.exit(2)
    challenges = ctf_challenges(key, all_lessons())
    text = FORMATS[format_](challenges)
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"{len(challenges)} challenges written to {output} ({format_} format).")
