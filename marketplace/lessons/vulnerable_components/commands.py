"""``marketplace deps-audit``: audit a requirement set against known advisories."""

from __future__ import annotations

import json
import shutil
import socket

# Runs pip-audit only, with a fixed argument list.
import subprocess  # nosec B404
import sys
from pathlib import Path

import click

from . import osv

ONLINE_HOSTS = ("pypi.org", "api.osv.dev")
ONLINE_TIMEOUT = 120


class OnlineUnavailable(click.ClickException):
    exit_code = 3


def _online(requirements: Path | None, as_json: bool) -> None:
    """Hand the audit to pip-audit (live OSV/PyPI data), or say clearly why not."""
    tool = shutil.which("pip-audit") or shutil.which(
        "pip-audit", path=str(Path(sys.executable).parent)
    )
    if not tool:
        raise OnlineUnavailable(
            "--online needs pip-audit, which is not installed here (pip install pip-audit), "
            "and network access to PyPI and OSV. Without --online, deps-audit uses the "
            "advisory snapshot shipped with the project."
        )
    for host in ONLINE_HOSTS:
        try:
            socket.create_connection((host, 443), timeout=5).close()
        except OSError as exc:
            raise OnlineUnavailable(
                f"--online: cannot reach {host}:443 ({exc.__class__.__name__}: {exc}); "
                "the network does not allow an online audit. Run without --online to use "
                "the shipped snapshot."
            ) from None
    command = [tool, "--progress-spinner", "off", "--vulnerability-service", "osv"]
    if requirements:
        command += ["--requirement", str(requirements), "--no-deps"]
    if as_json:
        command += ["--format", "json"]
    try:
        # Fixed argv, no shell.
        done = subprocess.run(  # noqa: S603  # nosec B603
            command, capture_output=True, text=True, timeout=ONLINE_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise OnlineUnavailable(
            f"--online: pip-audit did not finish within {ONLINE_TIMEOUT} s"
        ) from None
    click.echo(done.stdout, nl=False)
    if done.returncode not in (0, 1):
        raise OnlineUnavailable(f"--online: pip-audit failed: {done.stderr.strip()[-500:]}")
    sys.exit(done.returncode)


def print_report(report: osv.Report, source: str) -> None:
    snapshot = report.snapshot
    click.echo(f"Advisory snapshot: {snapshot.describe()}.")
    click.echo(f"Advisories published after {snapshot.date} are not in it (try --online).")
    click.echo(f"Audited: {source} ({len(report.pins)} pinned packages)")
    for problem in report.problems:
        click.echo(f"  skipped {problem}")
    if report.uncovered:
        click.echo(
            f"  not covered by the shipped subset ({len(report.uncovered)}): "
            + ", ".join(report.uncovered)
        )
    click.echo("")
    for match in report.matches:
        click.echo(f"{match.line()}\n    {match.summary}")
    if report.matches:
        click.echo(
            f"\n{len(report.matches)} known advisories affect "
            f"{len(report.vulnerable_packages)} of {len(report.pins)} packages: "
            + ", ".join(report.vulnerable_packages)
        )
    else:
        click.echo(f"No advisory in the snapshot matches these {len(report.pins)} packages.")


@click.command("deps-audit")
@click.argument(
    "requirements",
    required=False,
    type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--online", is_flag=True, help="Ask pip-audit (live PyPI/OSV data) instead of the snapshot."
)
def deps_audit(requirements: Path | None, as_json: bool, online: bool) -> None:
    """Audit REQUIREMENTS (default: what the project installs here) against known advisories.

    Offline, against the OSV advisory snapshot shipped with the project (PyPA advisory
    database, CC-BY 4.0). Exit status: 0 no advisory matches, 1 some do, 2 bad arguments,
    3 --online impossible.
    """
    if online:
        _online(requirements, as_json)
        return
    if requirements:
        try:
            pins, problems = osv.parse_requirements(requirements.read_text())
        except UnicodeDecodeError:
            raise click.BadParameter("not a text file", param_hint="REQUIREMENTS") from None
        source = str(requirements)
    else:
        # The project's dependency closure as installed, not every tool in the venv.
        pins, problems = osv.project_dependencies(), []
        source = f"the project's installed dependencies ({sys.prefix})"
    report = osv.audit(pins)
    report.problems = problems
    if as_json:
        click.echo(json.dumps({"audited": source, **report.as_dict()}, indent=2))
    else:
        print_report(report, source)
    sys.exit(1 if report.matches else 0)
