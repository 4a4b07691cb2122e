"""The lab's challenge pages: progress as JSON, the learner's name, hints, answers, reset.

Nested in the lab blueprint (``marketplace.lab.views``), so the lab's guards apply:
loopback only, and every POST needs its CSRF token and a same-origin Origin.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for

from marketplace.challenges import lesson_challenges, solved
from marketplace.challenges.learner import LEARNER_COOKIE, LEARNER_RULE, current_learner, valid_name
from marketplace.challenges.store import open_next_hint, reset
from marketplace.forms import require_confirm_form
from marketplace.lessons import get_lesson
from marketplace.lessons.registry import UnknownLesson

from .progress import as_json

bp = Blueprint("challenges", __name__)

ANSWER_MAX = 5000
EXPIRED = "The form expired; reload the lab page and try again."


def _challenge_or_404(slug: str, exploit: str):
    try:
        lesson = get_lesson(slug)
    except UnknownLesson:
        abort(404, description=f"There is no lesson {slug!r}.")
    for challenge in lesson_challenges(lesson):
        if challenge.exploit == exploit:
            return lesson, challenge
    abort(404, description=f"The lesson {slug!r} has no challenge {exploit!r}.")


def _back(slug: str | None = None):
    if slug:
        return redirect(url_for("lab.lesson", slug=slug) + "#challenges")
    return redirect(url_for("lab.index"))


@bp.route("/progress.json")
def progress_json():
    """This learner's progress: every challenge, solved or not, by whom, hints used."""
    return jsonify(as_json(current_learner()))


@bp.route("/learner", methods=("POST",))
def pick_learner():
    """Pick the name progress is kept under (a lab-only cookie)."""
    require_confirm_form(EXPIRED)
    name = valid_name(request.form.get("learner"))
    if name is None:
        abort(400, description=f"A learner's name is {LEARNER_RULE}.")
    response = _back()
    response.set_cookie(LEARNER_COOKIE, name, httponly=True, samesite="Lax", max_age=90 * 86400)
    flash(f"Progress is now kept for {name}.")
    return response


@bp.route("/progress/reset", methods=("POST",))
def reset_progress():
    """Clear this learner's solves and hints."""
    require_confirm_form(EXPIRED)
    learner = current_learner()
    reset(learner)
    flash(f"The progress of {learner} is cleared.")
    return _back()


@bp.route("/<slug>/hint", methods=("POST",))
def hint(slug: str):
    """Open the next hint of a challenge (one at a time; every opened hint is counted)."""
    require_confirm_form(EXPIRED)
    lesson, challenge = _challenge_or_404(slug, request.form.get("exploit", ""))
    open_next_hint(current_learner(), lesson.slug, challenge.exploit, len(challenge.hints))
    return _back(lesson.slug)


@bp.route("/<slug>/answer", methods=("POST",))
def answer(slug: str):
    """Check an answer on the server, for the challenges whose attack leaves no effect."""
    require_confirm_form(EXPIRED)
    lesson, challenge = _challenge_or_404(slug, request.form.get("exploit", ""))
    if challenge.answer is None:
        abort(400, description="This challenge is solved by attacking the app, not by an answer.")
    text = request.form.get("answer", "")
    if not text.strip():
        abort(400, description="Write an answer first.")
    if len(text) > ANSWER_MAX:
        abort(400, description=f"An answer is at most {ANSWER_MAX} characters.")
    evidence = challenge.answer(text)
    if evidence:
        solved(lesson.slug, challenge.exploit, evidence)
    else:
        flash("Not quite: that answer is not right. Try again (or open a hint).")
    return _back(lesson.slug)
