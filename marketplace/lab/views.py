"""The lab blueprint: lessons, stage switches, sources, diffs and live exploit runs.

Each lesson's own lab pages (``Lesson.lab_blueprint``) are nested in this blueprint at
/lab/<slug>/, so the lab's hooks guard them too: loopback only, the Origin check whatever
stage the csrf lesson is at, and the strict Content-Security-Policy whatever stage the xss
lesson is at.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from marketplace.demo import demo_credentials
from marketplace.exploits import LiveTarget
from marketplace.exploits.runner import run_exploit
from marketplace.forms import ConfirmForm, require_confirm_form
from marketplace.inputs import UNSAFE_METHODS
from marketplace.lessons import all_lessons, get_lesson, state
from marketplace.lessons.registry import UnknownLesson
from marketplace.security import csp_nonce, origin_refusal

from .guard import loopback_only
from .render import diff, highlighted_source, markdown

# The lab's own pages always get the strict policy, whatever stage the xss lesson is at.
LAB_CSP = (
    "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

bp = Blueprint("lab", __name__, url_prefix="/lab")
bp.before_request(loopback_only)


@bp.before_request
def refuse_cross_origin() -> None:
    """The lab's forms are never the csrf lesson: another origin is always refused."""
    if request.method in UNSAFE_METHODS:
        refusal = origin_refusal(request)
        if refusal:
            abort(403, description=refusal)


@bp.after_request
def strict_policy(response):
    response.headers["Content-Security-Policy"] = LAB_CSP.format(nonce=csp_nonce())
    return response


for _lesson in all_lessons():
    if _lesson.lab_blueprint is not None:
        bp.register_blueprint(_lesson.lab_blueprint, url_prefix=f"/{_lesson.slug}")


def register(app) -> None:
    """Mount the lab (with every lesson's lab pages nested in it)."""
    app.register_blueprint(bp)


def _lesson_or_404(slug: str):
    try:
        return get_lesson(slug)
    except UnknownLesson:
        abort(404, description=f"There is no lesson {slug!r}.")


@bp.route("/")
def index():
    """Every lesson with its active stage, and the demo accounts."""
    return render_template(
        "lab/index.html",
        lessons=all_lessons(),
        active=state.active_stages(),
        credentials=demo_credentials(),
        form=ConfirmForm(),
    )


@bp.route("/<slug>")
def lesson(slug: str):
    """A lesson's text, each stage's source with its decisive lines, and diffs."""
    lesson = _lesson_or_404(slug)
    stages = []
    previous = None
    for stage in lesson.stages:
        source = lesson.source(stage.slug)
        stages.append(
            {
                "stage": stage,
                "source": highlighted_source(source),
                "diff": diff(previous[1], source, previous[0], stage.slug) if previous else None,
            }
        )
        previous = (stage.slug, source)
    active = state.active_stage(lesson.slug)
    return render_template(
        "lab/lesson.html",
        lesson=lesson,
        active=active,
        text=markdown(lesson.text()),
        stages=stages,
        expectations={e.name: lesson.expected_exploited(e, active) for e in lesson.exploits},
        form=ConfirmForm(),
    )


@bp.route("/<slug>/stage", methods=("POST",))
def switch(slug: str):
    """Make another stage of the lesson active."""
    require_confirm_form("The form expired; reload the lab page and try again.")
    lesson = _lesson_or_404(slug)
    try:
        state.set_stage(lesson.slug, request.form.get("stage", ""))
    except state.StageError as exc:
        abort(400, description=str(exc))
    flash(f"{lesson.title}: stage {state.active_stage(lesson.slug)} is active.")
    return redirect(
        request.form.get("back") == "lesson"
        and url_for("lab.lesson", slug=lesson.slug)
        or url_for("lab.index")
    )


@bp.route("/reset", methods=("POST",))
@bp.route("/<slug>/reset", methods=("POST",))
def reset(slug: str | None = None):
    """Return one lesson, or every lesson, to its fixed stage."""
    require_confirm_form("The form expired; reload the lab page and try again.")
    state.reset(_lesson_or_404(slug).slug if slug else None)
    flash("Back to the fixed stage." if slug else "Every lesson is back at its fixed stage.")
    return redirect(url_for("lab.index"))


@bp.route("/<slug>/attack", methods=("POST",))
def attack(slug: str):
    """Run the lesson's exploits against this very server and show the evidence."""
    require_confirm_form("The form expired; reload the lab page and try again.")
    lesson = _lesson_or_404(slug)
    active = state.active_stage(lesson.slug)
    results = []
    for exploit in lesson.exploits:
        outcome = run_exploit(exploit, LiveTarget(request.host_url))
        expected = lesson.expected_exploited(exploit, active)
        results.append({"exploit": exploit, "outcome": outcome, "expected": expected})
    return render_template("lab/attack.html", lesson=lesson, active=active, results=results)
