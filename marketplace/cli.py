"""The ``marketplace`` command: run the lab, switch stages, seed demo data."""

from __future__ import annotations

import socket
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from flask_migrate.cli import db as db_commands
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.serving import run_simple

from . import create_app
from .cli_attack import attack_command, audit_command, lab_clean
from .cli_ctf import ctf_group
from .cli_fix import fix_group
from .cli_help import AppCommandGroup, WholeDescriptions
from .config import ConfigError
from .lab.progress_cli import progress_command


def app_factory():
    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


# Flask's own options and the extensions' commands are not this tool's interface: they stay
# usable (``--app`` still works), but ``--help`` shows only the project's commands.
HIDDEN_COMMANDS = frozenset({"limiter"})


class MarketplaceGroup(WholeDescriptions, FlaskGroup):
    """Flask's group, plus the commands each lesson contributes (``Lesson.commands``)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        for param in self.params:
            if isinstance(param, click.Option):
                param.hidden = True

    def _lesson_commands(self) -> None:
        from .lessons import all_lessons

        for lesson in all_lessons():
            for command in lesson.commands:
                self.commands.setdefault(command.name, command)

    def get_command(self, ctx, name):
        self._lesson_commands()
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        self._lesson_commands()
        return [name for name in super().list_commands(ctx) if name not in HIDDEN_COMMANDS]

    def invoke(self, ctx):
        """A database that is missing, unmigrated or unreachable is a message, not a traceback."""
        try:
            return super().invoke(ctx)
        except SQLAlchemyError as exc:
            raise click.ClickException(database_advice(exc)) from None


def database_advice(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc)).splitlines()[0]
    if "no such table" in text or "does not exist" in text:
        return (
            f"the database has no tables yet ({text}); run `marketplace db upgrade` "
            "(or `make run`, which migrates) first."
        )
    return (
        f"the database did not answer ({text}); check MARKETPLACE_DATABASE_URL and that "
        "the database server is running."
    )


main = MarketplaceGroup(
    create_app=app_factory,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    help="Secure Coding with Python: the marketplace and its lessons.",
    context_settings={"max_content_width": 120},
)
main.add_command(db_commands)
main.add_command(attack_command)
main.add_command(audit_command)
main.add_command(fix_group)
main.add_command(ctf_group)
main.add_command(progress_command)


def prepare_database() -> tuple[dict[str, str], int]:
    """Migrate, put every lesson at its start stage, seed demo users (lab mode only)."""
    from .demo import seed_demo
    from .lessons.state import StageError, apply_start_stages

    upgrade()
    try:
        chosen = apply_start_stages(current_app.config["STAGES"])
    except StageError as exc:
        raise click.ClickException(str(exc)) from None
    # Demo users have published passwords: never create them outside lab mode.
    return chosen, seed_demo() if current_app.config["LAB_ENABLED"] else 0


def _require_free_port(host: str, port: int) -> None:
    """Fail before touching the database: a second server would reset the first one's stages."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            raise click.ClickException(
                f"{host}:{port} is already in use (another marketplace run?). Stop it, or "
                "choose another port with --port."
            ) from None


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@with_appcontext
def run_command(host: str, port: int) -> None:
    """Migrate, seed demo data and serve the marketplace (lab mode unless production)."""
    from .demo import demo_credentials
    from .hosts import address_url
    from .loopback import is_loopback

    app = current_app._get_current_object()
    if app.config["LAB_ENABLED"] and not is_loopback(host) and not app.config["LAB_ALLOW_REMOTE"]:
        raise click.ClickException(
            f"Lab mode serves deliberately vulnerable code, so it binds to loopback only; "
            f"{host} is not a loopback address. Use --host 127.0.0.1, or set "
            "MARKETPLACE_LAB_ALLOW_REMOTE=1 on an isolated training network."
        )
    _require_free_port(host, port)
    click.echo("Preparing the database (migrations, lesson stages, demo data)…")
    chosen, created = prepare_database()
    url = f"http://{host}:{port}"
    click.echo(f"Marketplace on {url}/listings/  ({app.config['MARKETPLACE_ENV']})")
    if app.config["LAB_ENABLED"]:
        click.echo(f"Lab on {url}/lab/")
        if not is_loopback(host) and not app.config["ALLOWED_HOSTS"]:
            click.echo(
                "Remote clients must address this server by a name listed in "
                "MARKETPLACE_ALLOWED_HOSTS (e.g. its IP address); other names get a 400."
            )
        click.echo(
            "Stages: "
            + (
                ", ".join(f"{k}={v}" for k, v in chosen.items())
                or "every lesson at its fixed stage"
            )
        )
        click.echo(f"Demo accounts ({created} created now):")
        for name, email, password in demo_credentials():
            click.echo(f"  {email:<20} {password:<22} {name}")
    else:
        click.echo("Production mode: for real traffic run gunicorn marketplace.wsgi:app")
    # The lab's attack button targets this address, never a name taken from a request.
    app.config["LAB_TARGET_URL"] = address_url(host, port)
    # Not app.run(): Flask ignores it inside its own CLI (FLASK_RUN_FROM_CLI), serving nothing.
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@main.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo users and their listings (skips those that exist)."""
    from .demo import seed_demo

    click.echo(f"{seed_demo()} demo users created.")


@main.group("lab", cls=AppCommandGroup)
def lab_group() -> None:
    """List, set and reset the active stage of each lesson."""


lab_group.add_command(lab_clean)


@lab_group.command("list")
@with_appcontext
def lab_list() -> None:
    """Print every lesson, its stages (and your fix), and which one is active."""
    from .lessons import all_lessons, state, workspace

    for lesson in all_lessons():
        active = state.active_stage(lesson.slug)
        click.echo(f"{lesson.chapter:>2}. {lesson.slug}  ({lesson.title})")
        for stage in lesson.stages:
            mark = "*" if stage.slug == active else " "
            fixed = "  [fixed, default]" if stage == lesson.default_stage else ""
            click.echo(f"     {mark} {stage.slug:<28} {stage.step}{fixed}")
        path = workspace.file_of(lesson)
        if path.exists():
            mark = "*" if active == state.YOURS else " "
            error = workspace.yours_error(lesson)
            note = f"  DOES NOT LOAD: {error}" if error else ""
            click.echo(f"     {mark} {state.YOURS:<28} {path}{note}")


@lab_group.command("set")
@click.argument("lesson")
@click.argument("stage")
@with_appcontext
def lab_set(lesson: str, stage: str) -> None:
    """Make STAGE the active stage of LESSON."""
    from .lessons import state

    try:
        state.set_stage(lesson, stage)
    except state.StageError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{lesson}: {stage} is active.")


@lab_group.command("reset")
@click.argument("lesson", required=False)
@with_appcontext
def lab_reset(lesson: str | None) -> None:
    """Return LESSON (or every lesson) to its fixed stage."""
    from .lessons import state
    from .lessons.registry import UnknownLesson

    try:
        state.reset(lesson)
    except UnknownLesson as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{lesson or 'every lesson'}: back at the fixed stage.")


@main.command("seed-listings")
@click.argument("count", type=click.IntRange(1, 10_000_000))
@click.option(
    "--users",
    default=100,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="How many synthetic sellers share the listings.",
)
@click.option("--seed", type=int, help="Random seed, for repeatable titles.")
@with_appcontext
def seed_listings_command(count: int, users: int, seed: int | None) -> None:
    """Bulk-create COUNT synthetic listings (for scale tests and benchmarks)."""
    from .seeding import seed_listings

    with click.progressbar(length=count, label="Seeding listings", file=sys.stderr) as bar:
        result = seed_listings(count, users=users, progress=bar.update, seed=seed)
    click.echo(
        f"{result['listings']:,} listings by {result['users']:,} sellers in "
        f"{result['seconds']:.1f} s ({result['listings'] / result['seconds']:,.0f}/s); "
        f"titles end in lot-{result['run']}-<n>; sellers log in as "
        f"seller-{result['run']}-<n>@example.com with {result['password']}"
    )
