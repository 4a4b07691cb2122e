"""The lab's "Your fix" panel: the learner's workspace file, its diff, and "Check my fix".

The check grades the file in a scratch app (``marketplace.fixcheck.grade``: a temporary
database, its own live server), never the server the learner is using. It takes several
seconds, so it runs in a background thread, one per lesson at a time; the page at
/lab/<slug>/fix reloads itself while it runs and then shows the report with its evidence.
Jobs live in this process's memory: a restart forgets them, and that is fine for a lab.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import Blueprint, abort, redirect, render_template, url_for

from marketplace.forms import ConfirmForm, require_confirm_form
from marketplace.lessons import get_lesson, state, workspace
from marketplace.lessons.registry import UnknownLesson

from .render import diff as render_diff

bp = Blueprint("fix", __name__)


def _version(path) -> tuple[str, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (str(path), info.st_mtime_ns, info.st_size)


@dataclass
class Job:
    version: tuple[str, int, int] | None  # the file that was checked, as it was
    started: float = field(default_factory=time.time)
    finished: float | None = None
    report: object | None = None  # a fixcheck.Report
    crash: str | None = None

    @property
    def running(self) -> bool:
        return self.finished is None


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def _lesson_or_404(slug: str):
    try:
        return get_lesson(slug)
    except UnknownLesson:
        abort(404, description=f"There is no lesson {slug!r}.")


def yours_panel(lesson) -> dict:
    """What the panel shows: the file, whether it loads, its diff, the commands, the job."""
    path = workspace.file_of(lesson)
    exists = path.exists()
    panel = {
        "path": path,
        "exists": exists,
        "origin": workspace.origin(lesson) if exists else None,
        "error": workspace.yours_error(lesson) if exists else None,
        "fallback": state.yours_error(lesson.slug),
        "diff": None,
        "job": None,
        "stale": False,
        "commands": [
            f"marketplace fix start {lesson.slug}",
            f"marketplace fix check {lesson.slug}",
            f"marketplace lab set {lesson.slug} {workspace.YOURS}",
        ],
    }
    job = _jobs.get(lesson.slug)
    if job is not None and job.version and job.version[0] == str(path):
        # A check of this very file (another workspace's result is not shown).
        panel.update(job=job, stale=not job.running and job.version != _version(path))
    if exists:
        origin = workspace.origin(lesson)
        before = workspace.stage_file(lesson, origin).read_text()
        panel["diff"] = render_diff(before, path.read_text(), f"stage {origin}", path.name)
    return panel


def _run(lesson, job: Job) -> None:
    from marketplace.exploits.browser import browser_unavailable
    from marketplace.fixcheck import grade

    try:
        job.report = grade(lesson, workspace.file_of(lesson), browser=browser_unavailable() is None)
    except Exception as exc:  # noqa: BLE001 - shown on the page; the thread must not die silently
        job.crash = f"{exc.__class__.__name__}: {exc}"
    finally:
        job.finished = time.time()


@bp.route("/<slug>/fix/check", methods=("POST",))
def check(slug: str):
    """Start grading the learner's file (unless a check of this lesson is running)."""
    require_confirm_form("The form expired; reload the lab page and try again.")
    lesson = _lesson_or_404(slug)
    if not workspace.file_of(lesson).exists():
        abort(400, description=workspace.missing_message(lesson))
    with _lock:
        job = _jobs.get(lesson.slug)
        if job is None or not job.running:
            _jobs[lesson.slug] = job = Job(_version(workspace.file_of(lesson)))
            threading.Thread(target=_run, args=(lesson, job), daemon=True).start()
    return redirect(url_for("lab.fix.page", slug=lesson.slug))


@bp.route("/<slug>/fix")
def page(slug: str):
    """The panel on its own page; reloads itself every few seconds while a check runs."""
    lesson = _lesson_or_404(slug)
    state.active_stage(lesson.slug)  # notes a fallback from a broken file, for the panel
    return render_template(
        "lab/fix.html",
        lesson=lesson,
        yours=yours_panel(lesson),
        form=ConfirmForm(),
        now=time.time(),
    )
