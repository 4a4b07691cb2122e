"""Lab-only pages of the lesson: the simulated breach and the measured cracking speeds.

Mounted at /lab/weak-password-storage/ behind the lab's loopback guard, in lab mode only.
"""

from __future__ import annotations

import math
import threading
import time

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for

from marketplace.forms import ConfirmForm, require_confirm_form
from marketplace.lessons import active_stage

from . import breach, challenges, crack, formats

bp = Blueprint("weak_password_storage_lab", __name__, template_folder="templates")

_speeds: dict = {}
_speeds_lock = threading.Lock()


@bp.route("/breach")
def breach_page():
    """The users table as the attacker sees it, and the button that re-hashes the victims."""
    document = breach.dump()
    rows = [
        {**user, "scheme": formats.scheme_of(user["password_hash"]) or "unknown"}
        for user in document["users"]
    ]
    return render_template(
        "weak_password_storage/breach.html",
        rows=rows,
        note=document["note"],
        active=active_stage("weak-password-storage"),
        form=ConfirmForm(),
    )


@bp.route("/breach/rehash-demo", methods=("POST",))
def rehash_demo():
    """Store the demo users' passwords with the active scheme (a form with a CSRF token)."""
    require_confirm_form()
    done = breach.rehash_demo_users()
    stage = active_stage("weak-password-storage")
    flash(f"{len(done)} demo users now have their passwords stored by the {stage} stage.")
    return redirect(url_for(".breach_page"))


@bp.route("/breach/dump.json")
def dump_json():
    """The breach itself: every e-mail with its stored password value (read-only)."""
    return jsonify(breach.dump())


@bp.route("/challenge-breach.json")
def challenge_breach_json():
    """The challenge breach: the lab's own two victims, new passwords each time it is served."""
    return jsonify(challenges.challenge_breach())


def _measured(refresh: bool = False) -> dict:
    with _speeds_lock:
        if refresh or not _speeds:
            _speeds.update(rates=crack.measure_rates(0.25), measured_at=time.time())
        return dict(_speeds)


@bp.route("/speeds", methods=("GET", "POST"))
def speeds():
    """Guesses per second for each scheme, measured on this machine (cached per process)."""
    if ConfirmForm().is_submitted():
        require_confirm_form()
        _measured(refresh=True)
        return redirect(url_for(".speeds"))
    measured = _measured()
    rates = measured["rates"]
    top = math.ceil(math.log10(max(rates.values()))) or 1
    sha256 = rates["sha256"]
    bars = [
        {
            "scheme": scheme,
            "rate": rate,
            "log": max(math.log10(rate), 0) if rate > 0 else 0,
            "slower": sha256 / rate if rate else None,
            # How long the 30,000 common passwords take against one account at this speed.
            "whole_list": len(crack.default_wordlist()) / rate if rate else None,
        }
        for scheme, rate in rates.items()
    ]
    return render_template(
        "weak_password_storage/speeds.html",
        bars=bars,
        top=top,
        words=len(crack.default_wordlist()),
        measured_at=time.strftime("%H:%M:%S", time.localtime(measured["measured_at"])),
        form=ConfirmForm(),
    )
