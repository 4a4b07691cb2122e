"""Lab-only page of the lesson: the challenges' e-mail lists and the brute-force victim.

Mounted at /lab/broken-authentication/ behind the lab's loopback guard, in lab mode only.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from . import challenges

bp = Blueprint("broken_authentication_lab", __name__)


@bp.route("/candidates")
def candidates():
    """Which e-mails to classify, per enumeration challenge, and whom to brute-force."""
    return jsonify(
        {
            "message-enumeration": list(challenges.candidates("message-enumeration")),
            "timing-enumeration": list(challenges.candidates("timing-enumeration")),
            "online-brute-force": challenges.arm_brute_force(),
        }
    )
