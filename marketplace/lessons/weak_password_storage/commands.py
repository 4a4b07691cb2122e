"""``marketplace dump-users`` (the simulated breach) and ``marketplace crack``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import crack


@click.command("dump-users")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the dump to this file instead of standard output.",
)
@click.option(
    "--rehash-demo",
    is_flag=True,
    help="First store the demo users' passwords with the active stage's scheme, as if "
    "they had signed up while this stage was live.",
)
@with_appcontext
def dump_users_command(output: Path | None, rehash_demo: bool) -> None:
    """Simulate a breach: write the demo users' e-mails and stored password hashes (lab only)."""
    from .breach import dump, rehash_demo_users

    if not current_app.config.get("LAB_ENABLED"):
        raise click.ClickException(
            "dump-users simulates a breach and runs only in lab mode (MARKETPLACE_ENV=development)."
        )
    if rehash_demo:
        done = rehash_demo_users()
        click.echo(f"Re-hashed {len(done)} demo users with the active scheme.", err=True)
    document = dump()
    text = json.dumps(document, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{len(document['users'])} users written to {output}", err=True)


def _print_speeds(seconds: float) -> None:
    from marketplace.lessons import get_lesson

    lesson = get_lesson("weak-password-storage")
    parameters = {
        "bcrypt": f"cost {lesson.module('bcrypt').ROUNDS}",
        "argon2id": lesson.module("argon2id").PARAMETERS,
    }
    click.echo("Guesses per second on this machine (one core):")
    rates = crack.measure_rates(seconds)
    for scheme, rate in rates.items():
        slower = rates["sha256"] / rate
        note = f"  ({slower:,.0f}x slower than sha256)" if slower > 1.5 else ""
        params = f"  [{parameters[scheme]}]" if scheme in parameters else ""
        click.echo(f"  {scheme:<10} {rate:>16,.1f}{note}{params}")
    if rates.get("argon2id") and rates.get("bcrypt"):
        click.echo(
            f"One argon2id guess costs {rates['bcrypt'] / rates['argon2id']:.1f}x a bcrypt "
            "guess here (a busy machine makes this ratio noisy; measure a few times)."
        )


@click.command("crack")
@click.argument(
    "dump", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--wordlist",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="One password per line, most likely first. Default: zxcvbn's 30,000 common "
    "passwords, the list the signup policy refuses.",
)
@click.option(
    "--budget",
    type=click.FloatRange(0.1, 86400),
    default=10.0,
    show_default=True,
    help="Seconds the dictionary attack may run.",
)
@click.option(
    "--method",
    type=click.Choice(["both", "lookup", "dictionary"]),
    default="both",
    show_default=True,
    help="Lookup table (unsalted SHA-256), dictionary attack, or both in that order.",
)
@click.option("--speeds", is_flag=True, help="Only measure guesses per second per scheme.")
def crack_command(
    dump: Path | None, wordlist: Path | None, budget: float, method: str, speeds: bool
) -> None:
    """Crack a dump written by dump-users: print each cracked account and guesses per second."""
    if speeds:
        _print_speeds(0.5)
        return
    if dump is None:
        raise click.UsageError("give a DUMP file (from `marketplace dump-users -o FILE`).")
    try:
        entries = crack.load_dump(dump)
    except crack.DumpError as exc:
        raise click.ClickException(str(exc)) from None
    words = crack.load_wordlist(wordlist) if wordlist else list(crack.default_wordlist())
    if not words:
        raise click.ClickException(f"{wordlist}: no passwords in the wordlist")
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.scheme] = counts.get(entry.scheme, 0) + 1
    schemes = ", ".join(f"{n} {s}" for s, n in counts.items())
    click.echo(f"{len(entries)} accounts in {dump} ({schemes}); {len(words):,} passwords to try")
    cracked: dict[str, str] = {}

    def show(found: crack.Crack) -> None:
        if found.email not in cracked:
            cracked[found.email] = found.password
            click.echo(
                f"  cracked {found.email:<32} {found.password!r:<24} "
                f"({found.scheme}, after {found.seconds:.3f} s)"
            )

    if method in ("both", "lookup"):
        table = crack.lookup_table(words)
        click.echo(f"Lookup table: {table.summary()}")
        report = crack.lookup_attack(entries, table, on_crack=show)
        for line in report.lines():
            click.echo(f"    {line}")
    if method in ("both", "dictionary"):
        rest = [e for e in entries if e.email not in cracked]
        click.echo(f"Dictionary attack on {len(rest)} account(s), budget {budget:g} s:")
        # Unsalted: one pass over the list per scheme; salted: one pass per account.
        unsalted = {e.scheme for e in rest if e.scheme in crack.UNSALTED}
        salted = [e for e in rest if e.scheme in crack.SALTED]
        planned = max(1, len(words) * (len(unsalted) + len(salted)))
        # A progress bar only at a terminal: in a pipe or a log, click prints its bare label.
        if sys.stderr.isatty():
            with click.progressbar(
                length=planned, label="  guessing", file=sys.stderr, show_pos=True
            ) as bar:
                report = crack.dictionary_attack(
                    rest, words, budget, on_guesses=bar.update, on_crack=show
                )
        else:
            report = crack.dictionary_attack(rest, words, budget, on_crack=show)
        for line in report.lines():
            click.echo(f"    {line}")
        if report.exhausted:
            click.echo(f"    the budget of {budget:g} s ran out")
    click.echo(f"Cracked {len(cracked)} of {len(entries)} accounts.")
