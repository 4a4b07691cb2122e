"""The lesson's lab page: the active stage's requirement set, as plain text.

This lesson does not change the running app (it cannot swap installed packages); what
changes with the stage is the requirement set, and this page is where an auditor (the
``known-advisories`` exploit, or a learner with curl) reads it.
"""

from __future__ import annotations

from flask import Blueprint, Response

from marketplace.lessons import active

bp = Blueprint("vulnerable_components_lab", __name__)


@bp.route("/requirements.txt")
def requirements():
    """The requirement set of the active stage."""
    text = active("vulnerable-components").requirements_file().read_text()
    return Response(text, mimetype="text/plain")
