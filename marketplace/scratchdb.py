"""Scratch SQLite databases copied from one built earlier in the same process.

``fix check``, ``audit`` and the tests each make fresh databases with the schema and the
demo users. Building one runs the migrations and hashes every demo password with the
weak-password-storage stage in force (Argon2id at 128 MiB: seconds on a busy machine);
copying a finished one with SQLite's backup API takes milliseconds. The first database
built under a key is kept in a private temporary folder (removed at exit) and copied for
every later request under the same key; nothing is shared between processes.

The caller chooses the key and must change it whenever what the build puts in the
database would differ (another stage hashing the demo passwords, another schema).
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

_templates: dict[str, Path] = {}
_folder: list[Path] = []

# Each copy gets a new stage version (see derived.py): two copies never share one.
_NEW_STAGE_VERSION = (
    "UPDATE counters SET value = abs(random()) % 4611686018427387904 WHERE name = 'lesson_stages'"
)


def _template_folder() -> Path:
    if not _folder:
        folder = Path(tempfile.mkdtemp(prefix="marketplace-templates-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _folder.append(folder)
    return _folder[0]


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute(_NEW_STAGE_VERSION)
        dst.commit()


def prepare(key: str | None, target: Path, build: Callable[[], None]) -> None:
    """Make the SQLite file ``target``: a copy of the one built under ``key`` if there is
    one, else ``build()`` it (which must write ``target``) and keep a copy for next time.
    ``key=None`` always builds."""
    template = _templates.get(key) if key is not None else None
    if template is not None and template.exists():
        _copy(template, target)
        return
    build()
    if key is not None:
        # A name of its own: never a file another key's template already uses.
        template = _template_folder() / f"{uuid.uuid4().hex}.sqlite"
        _copy(target, template)
        _templates[key] = template
