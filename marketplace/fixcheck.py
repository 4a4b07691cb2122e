"""Grade a fix: attack a module standing in for a lesson's stage, and check the feature.

:func:`grade` starts a scratch app (a temporary SQLite database, migrated and seeded, in
lab mode, as ``audit`` does) whose lesson seam is implemented by the given module: a
module object, or the path of a stage file (a learner's copy; its relative imports
resolve inside the lesson's package). Then, over HTTP against a live server on loopback:

1. every feature check of the lesson must pass (run first: the online brute-force
   exploit would otherwise leave the honest checks throttled);
2. every exploit must be ``defended``;
3. for a Python file, bandit's findings are shown as advice (they never decide); bandit
   runs in a subprocess alongside the checks, not after them.

The :class:`Report` has one line per check, with the evidence of each failure, and a
verdict: ``pass`` (exit 0) when every check passed, ``fail`` (1) when any exploit got
through or any feature check broke, ``error`` (2) when nothing failed but something could
not run (an outcome that is neither exploited nor defended, a crash, no browser, a
module that does not load). A definite failure outranks an error: its evidence stands.

The module reaches the app through the app-config key ``STAGE_OVERRIDES`` that
``marketplace.lessons.state.active`` consults first, lab mode only.
"""

from __future__ import annotations

import inspect
import json

# subprocess runs bandit on the learner's file, nothing else.
import subprocess  # nosec B404
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from marketplace.exploits.target import Exchange
from marketplace.features import features_of, run_feature
from marketplace.lessons.base import Lesson
from marketplace.lessons.workspace import RequirementsFile, WorkspaceError, load_stage_file

VERDICTS = ("pass", "fail", "error")  # in the order of their exit codes


class GradeError(Exception):
    """The module could not be graded at all (does not import, does not fit the seam)."""


@dataclass
class Line:
    """One check of a grading: what it is, what happened, and the evidence."""

    kind: str  # "feature", "exploit" or "advice"
    name: str
    result: str  # passed | failed | error | advice
    summary: str
    details: list[str] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "result": self.result,
            "summary": self.summary,
            "details": self.details,
            "exchanges": [e.as_dict() for e in self.exchanges],
            "seconds": round(self.seconds, 3),
        }

    def text(self, evidence: bool = True) -> str:
        head = f"{self.result.upper():8} {self.kind:8} {self.name}: {self.summary}"
        if not evidence or self.result in ("passed", "advice"):
            return head
        lines = [head, *(f"    {d}" for d in self.details)]
        lines += [f"    {e.line()}  {e.excerpt[:160]}" for e in self.exchanges[-6:]]
        return "\n".join(lines)


@dataclass
class Report:
    lesson: str
    source: str
    lines: list[Line] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        results = {line.result for line in self.lines}
        if "failed" in results:
            return "fail"
        if "error" in results or not self.lines:
            return "error"
        return "pass"

    @property
    def exit_code(self) -> int:
        return VERDICTS.index(self.verdict)

    def line(self, name: str) -> Line:
        for line in self.lines:
            if line.name == name:
                return line
        raise KeyError(f"no check {name!r} in this report")

    def failed(self) -> list[str]:
        """The names of the checks that failed (``feature <name>`` for feature checks)."""
        return [
            f"feature {line.name}" if line.kind == "feature" else line.name
            for line in self.lines
            if line.result == "failed"
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "lesson": self.lesson,
            "source": self.source,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "seconds": round(self.seconds, 3),
            "lines": [line.as_dict() for line in self.lines],
        }

    def text(self) -> str:
        body = "\n".join(line.text() for line in self.lines)
        return f"{body}\n{self.verdict.upper()}: {self.lesson} from {self.source}"


def seam_names(lesson: Lesson) -> list[str]:
    """The functions the lesson's fixed stage defines (or re-exports): the seam."""
    module = lesson.module(lesson.default_stage.slug)
    exported = set(getattr(module, "__all__", ()))
    return sorted(
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and inspect.isfunction(value)
        and (value.__module__ == module.__name__ or name in exported)
    )


def load_module(lesson: Lesson, path: str | Path) -> ModuleType:
    """Import a stage file as if it sat in the lesson's ``stages`` package."""
    try:
        return load_stage_file(lesson, path)
    except WorkspaceError as exc:
        raise GradeError(str(exc)) from None


def check_seam(lesson: Lesson, module: ModuleType) -> None:
    missing = [name for name in seam_names(lesson) if not callable(getattr(module, name, None))]
    if missing:
        raise GradeError(
            f"{getattr(module, '__file__', module.__name__)} lacks the seam's "
            f"function(s): {', '.join(missing)}"
        )


def _exploit_line(exploit, target) -> Line:
    from marketplace.exploits.runner import run_exploit

    started = time.perf_counter()
    # run_exploit turns a failed precondition or a crash into ``error`` and deletes the
    # exploit's own accounts, exactly as ``attack`` and ``audit`` do.
    outcome = run_exploit(exploit, target)
    label = getattr(outcome, "label", None)
    result = {"defended": "passed", "exploited": "failed"}.get(label, "error")
    summary = (
        outcome.summary if label in ("defended", "exploited") else f"{label}: {outcome.summary}"
    )
    return Line(
        "exploit",
        exploit.name,
        result,
        summary,
        list(outcome.details),
        list(outcome.exchanges),
        time.perf_counter() - started,
    )


def _feature_line(feature, target) -> Line:
    started = time.perf_counter()
    check = run_feature(feature, target)
    result = "error" if check.could_not_run else "passed" if check.passed else "failed"
    return Line(
        "feature",
        feature.name,
        result,
        check.summary,
        check.details,
        check.exchanges,
        time.perf_counter() - started,
    )


def start_bandit(path: Path) -> subprocess.Popen | Line:
    """bandit on a learner's Python file, started now so it runs while the checks do."""
    try:
        # Our own interpreter, the bandit module, one path: no shell, no learner input as a flag.
        return subprocess.Popen(  # noqa: S603  # nosec B603
            [sys.executable, "-m", "bandit", "-q", "-f", "json", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
    except OSError as exc:
        return Line("advice", "bandit", "advice", f"bandit did not run: {exc}")


def bandit_findings(run: subprocess.Popen | Line) -> list[Line]:
    """The started bandit's findings as advice lines (it is stopped after 60 s)."""
    if isinstance(run, Line):
        return [run]
    try:
        out, _ = run.communicate(timeout=60)
        findings = json.loads(out or "{}").get("results", [])
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        run.kill()
        run.communicate()
        return [Line("advice", "bandit", "advice", f"bandit did not run: {exc}")]
    if not findings:
        return [Line("advice", "bandit", "advice", "bandit finds nothing to remark")]
    return [
        Line(
            "advice",
            f"bandit {f['test_id']}",
            "advice",
            f"line {f['line_number']}: {f['issue_text']} ({f['issue_severity'].lower()})",
        )
        for f in findings
    ]


def bandit_advice(path: Path) -> list[Line]:
    """bandit's findings on a learner's Python file, as advice lines."""
    return bandit_findings(start_bandit(path))


def _reset(app, slug: str) -> None:
    """Fresh per-stage state (login throttle counters) before each check, as audit does."""
    from marketplace.lessons import state

    with app.app_context():
        state.reset(slug)


def grade(
    lesson: Lesson,
    module: ModuleType | str | Path,
    *,
    browser: bool = True,
    bandit: bool = True,
    only: Collection[str] | None = None,
) -> Report:
    """Attack ``module`` as the lesson's stage and check its feature; see the module doc.

    ``only`` runs just the named checks (exploit names, ``"feature NAME"``): the tests use
    it to prove one wrong fix fails for its stated reason without running every check.
    """
    from marketplace.audit import ScratchTarget, lab_app
    from marketplace.exploits.browser import one_browser
    from marketplace.exploits.runner import live_server

    started = time.perf_counter()
    path = None if isinstance(module, ModuleType) else Path(module)
    report = Report(lesson.slug, str(path) if path else module.__name__)
    try:
        if path is not None:
            module = load_module(lesson, path)
        if not isinstance(module, RequirementsFile):
            check_seam(lesson, module)
    except GradeError as exc:
        report.lines.append(Line("load", "module", "error", str(exc)))
        report.seconds = time.perf_counter() - started
        return report
    # bandit reads only the file: it runs alongside the scratch app instead of after it.
    advice = start_bandit(path) if bandit and path is not None and path.suffix == ".py" else None
    try:
        with (
            lab_app({"STAGE_OVERRIDES": {lesson.slug: module}}) as app,
            live_server(app) as url,
            one_browser(),  # the browser checks share one Chromium, a context each
        ):
            target = ScratchTarget(url, app)
            for check in (*features_of(lesson), *lesson.exploits):
                label = check.name if check in lesson.exploits else f"feature {check.name}"
                if only is not None and label not in only:
                    continue
                if check.needs_browser and not browser:
                    kind = "exploit" if check in lesson.exploits else "feature"
                    report.lines.append(Line(kind, check.name, "error", "skipped: no browser"))
                    continue
                _reset(app, lesson.slug)
                if check in lesson.exploits:
                    report.lines.append(_exploit_line(check, target))
                else:
                    report.lines.append(_feature_line(check, target))
    except Exception as exc:  # noqa: BLE001 - e.g. the module breaks the app's start-up
        report.lines.append(Line("app", "scratch app", "error", f"{exc.__class__.__name__}: {exc}"))
    if advice is not None:
        report.lines += bandit_findings(advice)
    report.seconds = time.perf_counter() - started
    return report
