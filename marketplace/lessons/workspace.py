"""The learner's workspace: one file per lesson, a copy of a stage they rewrite into a fix.

The workspace is ``MARKETPLACE_WORKSPACE`` (default ``workspace/`` in the current
directory). A lesson's file is ``<lesson_package>.py`` (``vulnerable_components.txt``, a
requirements file, for vulnerable-components); the stage each file was copied from is
kept in ``.origins.json`` next to it, so ``fix diff`` compares against the right stage and
the learner's file stays exactly what they wrote.

In lab mode the file is also the lesson's extra stage ``yours`` (not a catalogue stage:
audit and the catalogue never see it). :func:`load_yours` imports it the way ``fix check``
does (relative imports resolve inside the lesson's package) and caches the module per
(path, mtime_ns, size), so a running server uses each saved change on the next request.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import inspect
import itertools
import json
import os
import shutil
import sys
import threading
import traceback
from pathlib import Path
from types import ModuleType

from .base import Lesson, StageError, check_seam, seam_functions

YOURS = "yours"
ORIGINS = ".origins.json"


class WorkspaceError(StageError):
    """The learner's file is missing, already there, or does not load / fit the seam."""


class RequirementsFile(ModuleType):
    """vulnerable-components' seam for a requirements file: the file itself."""

    def __init__(self, path: Path):
        super().__init__(f"requirements:{path}")
        self.path = path

    def requirements_file(self) -> Path:
        return self.path


_loaded = itertools.count(1)


def load_stage_file(lesson: Lesson, path: str | Path) -> ModuleType:
    """Import a stage file as if it sat in the lesson's ``stages`` package.

    Raises :class:`WorkspaceError` with the reason a learner needs: the line of a syntax
    error, or the exception at import and the line of the file it came from.
    """
    path = Path(path)
    if is_requirements(lesson) and path.suffix != ".py":
        if not path.is_file():
            raise WorkspaceError(f"{path}: no such requirements file")
        return RequirementsFile(path.resolve())
    package = importlib.import_module(f"{lesson.package}.stages")
    name = f"{package.__name__}._graded_{path.stem}_{next(_loaded)}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise WorkspaceError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except FileNotFoundError:
        sys.modules.pop(name, None)
        raise WorkspaceError(f"{path}: no such file") from None
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        raise WorkspaceError(f"{path}, line {exc.lineno}: {exc.msg}") from None
    except Exception as exc:  # noqa: BLE001 - the learner needs the reason, not a traceback
        sys.modules.pop(name, None)
        frames = [
            f
            for f in traceback.extract_tb(exc.__traceback__)
            if Path(f.filename).resolve() == path.resolve()
        ]
        where = f", line {frames[-1].lineno}" if frames else ""
        raise WorkspaceError(
            f"{path}{where} does not import: {exc.__class__.__name__}: {exc}"
        ) from None
    return module


def workspace_dir() -> Path:
    return Path(os.environ.get("MARKETPLACE_WORKSPACE") or "workspace").absolute()


def is_requirements(lesson: Lesson) -> bool:
    return lesson.slug == "vulnerable-components"


def file_of(lesson: Lesson) -> Path:
    stem = lesson.package.rsplit(".", 1)[1]
    return workspace_dir() / (f"{stem}.txt" if is_requirements(lesson) else f"{stem}.py")


def stage_file(lesson: Lesson, stage_slug: str) -> Path:
    """The file a stage is made of: its module, or (vulnerable-components) its requirements."""
    if is_requirements(lesson):
        return Path(lesson.module(stage_slug).requirements_file())
    return lesson.folder / "stages" / f"{lesson.stage(stage_slug).module_name}.py"


def _origins() -> dict[str, str]:
    try:
        return json.loads((workspace_dir() / ORIGINS).read_text())
    except (OSError, ValueError):
        return {}


def _save_origins(origins: dict[str, str]) -> None:
    (workspace_dir() / ORIGINS).write_text(json.dumps(origins, indent=2, sort_keys=True) + "\n")


def origin(lesson: Lesson) -> str:
    """The stage the learner's file was copied from (the first stage if unrecorded)."""
    recorded = _origins().get(lesson.slug)
    return recorded if recorded in {s.slug for s in lesson.stages} else lesson.stages[0].slug


def start(lesson: Lesson, stage_slug: str | None = None, *, force: bool = False) -> Path:
    """Copy a stage (default: the first) to the workspace; never overwrite without force."""
    stage = lesson.stage(stage_slug) if stage_slug else lesson.stages[0]
    target = file_of(lesson)
    if target.exists() and not force:
        raise WorkspaceError(
            f"{target} already exists (your work); use --force to replace it, "
            f"or `marketplace fix reset {lesson.slug}` first."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(stage_file(lesson, stage.slug), target)
    origins = _origins()
    origins[lesson.slug] = stage.slug
    _save_origins(origins)
    return target


def reset(lesson: Lesson) -> bool:
    """Remove the learner's file; False when there was none."""
    target = file_of(lesson)
    origins = _origins()
    if origins.pop(lesson.slug, None) is not None:
        _save_origins(origins)
    if not target.exists():
        return False
    target.unlink()
    return True


def diff(lesson: Lesson) -> str:
    """The learner's file against the stage it came from, as a unified diff."""
    target = file_of(lesson)
    if not target.exists():
        raise WorkspaceError(missing_message(lesson))
    stage = origin(lesson)
    before = stage_file(lesson, stage).read_text().splitlines(keepends=True)
    after = target.read_text().splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"{lesson.slug} stage {stage}", str(target)))


def missing_message(lesson: Lesson) -> str:
    return f"{file_of(lesson)} does not exist; run `marketplace fix start {lesson.slug}` first."


def seam_help(lesson: Lesson) -> list[tuple[str, str]]:
    """The seam's functions as ``def name(signature)`` with their docstrings."""
    return [
        (f"def {name}{signature}", inspect.getdoc(getattr(lesson.seam, name)) or "")
        for name, signature in seam_functions(lesson.seam).items()
    ]


# (lesson slug) -> ((path, mtime_ns, size), module or the error message)
_cache: dict[str, tuple[tuple[str, int, int], ModuleType | str]] = {}
_lock = threading.Lock()


def load_yours(lesson: Lesson) -> ModuleType:
    """The learner's file as a stage module, checked against the seam; cached per version.

    Raises :class:`WorkspaceError` with the reason (the line of a syntax error, the
    exception at import, the missing seam function).
    """
    path = file_of(lesson)
    try:
        info = path.stat()
    except OSError:
        raise WorkspaceError(missing_message(lesson)) from None
    key = (str(path), info.st_mtime_ns, info.st_size)
    with _lock:
        cached = _cache.get(lesson.slug)
        if cached is None or cached[0] != key:
            try:
                module: ModuleType | str = load_stage_file(lesson, path)
                if not is_requirements(lesson):
                    check_seam(module, lesson.seam, f"{path}")
            except StageError as exc:  # WorkspaceError or SeamError
                module = str(exc)
            if cached is not None and isinstance(cached[1], ModuleType):
                sys.modules.pop(cached[1].__name__, None)  # the previous version's entry
            _cache[lesson.slug] = cached = (key, module)
    if isinstance(cached[1], str):
        raise WorkspaceError(cached[1])
    return cached[1]


def yours_error(lesson: Lesson) -> str | None:
    """Why the learner's file cannot be the stage now, or None when it can (or is absent)."""
    if not file_of(lesson).exists():
        return None
    try:
        load_yours(lesson)
    except WorkspaceError as exc:
        return str(exc)
    return None
