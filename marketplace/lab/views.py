"""The lab blueprint: lessons, stage switches, sources, diffs and live exploit runs.

Each lesson's own lab pages (``Lesson.lab_blueprint``) are nested in this blueprint at
/lab/<slug>/, so the lab's hooks guard them too: loopback only, the Origin check whatever
stage the csrf lesson is at, and the strict Content-Security-Policy whatever stage the xss
lesson is at.
"""

from __future__ import annotations

import socket

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from marketplace.challenges import lesson_challenges
from marketplace.challenges.learner import current_learner
from marketplace.demo import demo_credentials
from marketplace.exploits import LiveTarget
from marketplace.exploits.runner import run_exploit
from marketplace.forms import ConfirmForm, require_confirm_form
from marketplace.hosts import address_url, lab_origin_refusal
from marketplace.inputs import UNSAFE_METHODS
from marketplace.lessons import all_lessons, get_lesson, state, workspace
from marketplace.lessons.registry import UnknownLesson
from marketplace.loopback import is_loopback
from marketplace.security import csp_nonce

from .challenge_views import bp as challenges_bp
from .fix import bp as fix_bp
from .fix import yours_panel
from .guard import loopback_only
from .progress import board, ctf_flag, entries
from .render import diff, highlighted_source, markdown_folding_solution

# The lab's own pages always get the strict policy, whatever stage the xss lesson is at.
LAB_CSP = (
    "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

bp = Blueprint("lab", __name__, url_prefix="/lab")
bp.before_request(loopback_only)


@bp.before_request
def refuse_cross_origin() -> None:
    """The lab's forms are never the csrf lesson: another origin is always refused,
    and so is an origin that does not name this machine (DNS rebinding)."""
    if request.method in UNSAFE_METHODS:
        refusal = lab_origin_refusal(request)
        if refusal:
            abort(403, description=refusal)


@bp.after_request
def strict_policy(response):
    response.headers["Content-Security-Policy"] = LAB_CSP.format(nonce=csp_nonce())
    # The lab's state (stages, breach dumps) must not stay in a shared or back-button cache.
    response.headers["Cache-Control"] = "no-store"
    return response


bp.register_blueprint(fix_bp)  # /lab/<slug>/fix: the learner's own stage, "Check my fix"
bp.register_blueprint(challenges_bp)  # /lab/progress.json, hints, answers, the learner's name
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
        has_yours={x.slug: workspace.file_of(x).exists() for x in all_lessons()},
        credentials=demo_credentials(),
        form=ConfirmForm(),
        learner=current_learner(),
        board=board(current_learner()),
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
    all_solved = _all_solved(lesson)
    return render_template(
        "lab/lesson.html",
        lesson=lesson,
        active=active,
        text=markdown_folding_solution(lesson.text(), unfolded=all_solved),
        stages=stages,
        expectations=_expectations(lesson, active),
        yours=yours_panel(lesson),
        form=ConfirmForm(),
        challenges=_challenges(lesson),
        all_solved=all_solved,
    )


def _challenges(lesson) -> list[dict]:
    """The lesson's challenges with this learner's state, hints opened so far, CTF flags."""
    found = []
    for entry in entries(current_learner()):
        if entry.lesson.slug != lesson.slug:
            continue
        found.append(
            {
                "entry": entry,
                "hints": entry.challenge.hints[: entry.hints_used],
                "flag": ctf_flag(lesson.slug, entry.challenge.exploit) if entry.solved else None,
            }
        )
    return found


def _all_solved(lesson) -> bool:
    """Whether the solution may unfold by itself: every challenge of the lesson solved."""
    mine = [e for e in entries(current_learner()) if e.lesson.slug == lesson.slug]
    return bool(mine) and all(e.solved for e in mine) or not lesson_challenges(lesson)


def _expectations(lesson, active: str) -> dict[str, bool | None]:
    """The catalogue's outcome per exploit at the active stage (None: your fix, not known)."""
    if active == state.YOURS:
        return {e.name: None for e in lesson.exploits}
    return {e.name: lesson.expected_exploited(e, active) for e in lesson.exploits}


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
    learner = current_learner()
    target_url = this_server_url()
    for exploit in lesson.exploits:
        target = LiveTarget(target_url)
        target.learner = learner  # the lab's solves are kept apart, under this learner
        outcome = run_exploit(exploit, target)
        expected = _expectations(lesson, active)[exploit.name]
        results.append({"exploit": exploit, "outcome": outcome, "expected": expected})
    solved_by_learner = {
        e.challenge.exploit
        for e in entries(current_learner())
        if e.lesson.slug == lesson.slug and e.by == "learner"
    }
    return render_template(
        "lab/attack.html",
        lesson=lesson,
        active=active,
        results=results,
        solved_by_learner=solved_by_learner,
    )


def this_server_url() -> str:
    """Where the attack button sends its exploits: this server, never the Host header's name.

    ``marketplace run`` and the test live server record the address they bound; under any
    other server, the local end of this request's own connection is that address.
    """
    recorded = current_app.config.get("LAB_TARGET_URL")
    if recorded:
        return recorded
    environ = request.environ
    sock = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        host, port = sock.getsockname()[:2]
        return address_url(host, port)
    # Set by the server from its own address (werkzeug, and gunicorn on a TCP socket).
    host, port = environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT", "")
    if is_loopback(host) and port.isdigit():
        return address_url(host, port)
    abort(
        409,
        description="The lab cannot tell which address this server listens on; start it with "
        "marketplace run, or attack it with marketplace attack --target URL.",
    )
