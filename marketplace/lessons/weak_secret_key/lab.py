"""Lab-only page of the lesson: the leaked backup the forge-with-leaked-key exploit starts from.

Mounted at /lab/weak-secret-key/ behind the lab's loopback guard, in lab mode only. It
stands for the leak the lesson assumes (a config file in a public repository, a backup of
the server left readable): the app's configuration, the instance folder's ``secret_key``
file if there is one, and the source of the code that signs the "remember me" cookie.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from flask import Blueprint, current_app, jsonify

from marketplace.lessons import active

bp = Blueprint("weak_secret_key_lab", __name__)

ROOT = Path(__file__).resolve().parents[3]


def _source_of_active_stage() -> dict[str, str]:
    module = active("weak-secret-key")
    path = Path(inspect.getsourcefile(module) or "")
    if not path.is_file():
        return {}
    try:
        name = str(path.resolve().relative_to(ROOT))
    except ValueError:  # a learner's workspace outside the project
        name = path.name
    return {name: path.read_text(encoding="utf-8", errors="replace")}


@bp.route("/backup.json")
def backup():
    """What the leak holds: configuration, instance folder, code (read-only)."""
    files = dict(_source_of_active_stage())
    key_file = Path(current_app.instance_path) / "secret_key"
    if key_file.is_file():
        files["instance/secret_key"] = key_file.read_text(encoding="utf-8", errors="replace")
    return jsonify(
        note=(
            "A simulated leak: a backup of the server (its instance folder and code) and its "
            "configuration, as a config file committed to a public repository would show it."
        ),
        config={"SECRET_KEY": str(current_app.secret_key)},
        files=files,
    )
