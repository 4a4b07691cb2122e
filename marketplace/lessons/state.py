"""Which stage of each lesson is active: stored in the database, fail closed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal, overload

from blinker import Namespace
from flask import current_app, g
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from marketplace.derived import STAGES as STAGES_COUNTER
from marketplace.derived import read_counter
from marketplace.extensions import db, rollback_quietly
from marketplace.models import LessonStage

from .base import SeamError, StageError
from .registry import all_lessons, get_lesson

if TYPE_CHECKING:  # the seam Protocols, so editors follow active("<slug>") into the seam
    from .broken_access_control.seam import BrokenAccessControlSeam
    from .broken_authentication.seam import BrokenAuthenticationSeam
    from .broken_deauthentication.seam import BrokenDeauthenticationSeam
    from .command_injection.seam import CommandInjectionSeam
    from .csrf.seam import CsrfSeam
    from .insecure_deserialization.seam import InsecureDeserializationSeam
    from .open_redirect.seam import OpenRedirectSeam
    from .path_traversal.seam import PathTraversalSeam
    from .sensitive_data_exposure.seam import SensitiveDataExposureSeam
    from .sql_injection.seam import SqlInjectionSeam
    from .ssrf.seam import SsrfSeam
    from .template_injection.seam import TemplateInjectionSeam
    from .vulnerable_components.seam import VulnerableComponentsSeam
    from .weak_password_storage.seam import WeakPasswordStorageSeam
    from .weak_secret_key.seam import WeakSecretKeySeam
    from .xss.seam import XssSeam
    from .xxe.seam import XxeSeam

__all__ = ["SeamError", "StageError", "active", "active_stage", "set_stage", "stage_changed"]

log = logging.getLogger(__name__)


# Sent with the lesson slug as sender whenever a lesson's stage is set or reset, so a
# lesson can drop state that belongs to the previous stage (e.g. login throttle counters).
stage_changed = Namespace().signal("stage-changed")


def parse_stages(spec: str) -> dict[str, str]:
    """Parse ``MARKETPLACE_STAGES`` ("lesson=stage,..." or "all=vulnerable")."""
    chosen: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        lesson_slug, sep, stage_slug = (x.strip() for x in item.partition("="))
        if not sep or not stage_slug:
            raise StageError(f"MARKETPLACE_STAGES: {item!r} is not LESSON=STAGE")
        if lesson_slug == "all":
            if stage_slug not in ("vulnerable", "fixed"):
                raise StageError("MARKETPLACE_STAGES: use all=vulnerable or all=fixed")
            pick = 0 if stage_slug == "vulnerable" else -1
            for lesson in all_lessons():
                chosen[lesson.slug] = lesson.stages[pick].slug
            continue
        try:
            lesson = get_lesson(lesson_slug)
            chosen[lesson.slug] = lesson.stage(stage_slug).slug
        except KeyError as exc:
            raise StageError(f"MARKETPLACE_STAGES: {exc.args[0]}") from None
    return chosen


def vulnerable_choices(chosen: dict[str, str]) -> list[str]:
    return [
        f"{slug}={stage}"
        for slug, stage in chosen.items()
        if get_lesson(slug).default_stage.slug != stage
    ]


# The extra stage made of the learner's workspace file (``marketplace fix start``); not a
# catalogue stage: ``Lesson.stages``, audit and the catalogue contract never include it.
YOURS = "yours"


def _yours(lesson) -> Any:
    """The learner's module for this request, or None (the reason kept for the lab page)."""
    from .workspace import WorkspaceError, load_yours

    # One version per request: a save in the middle of a request applies from the next one.
    modules = g.setdefault("yours_modules", {})
    if lesson.slug not in modules:
        try:
            modules[lesson.slug] = load_yours(lesson)
        except WorkspaceError as exc:
            log.error(
                "lesson %s: your fix does not load (%s); using the fixed stage", lesson.slug, exc
            )
            g.setdefault("yours_errors", {})[lesson.slug] = str(exc)
            modules[lesson.slug] = None
    return modules[lesson.slug]


def yours_error(slug: str) -> str | None:
    """Why this request fell back from ``yours`` to the fixed stage (None if it did not)."""
    return g.get("yours_errors", {}).get(slug)


def lab_enabled() -> bool:
    return bool(current_app.config.get("LAB_ENABLED"))


def _stored() -> dict[str, str]:
    """The stored stages, read once per request.

    Each app (in each worker process) keeps the rows with the version they were read at;
    a request reads only ``counters.lesson_stages`` (one row, bumped by a trigger on every
    change to ``lesson_stages``) and re-reads the rows when it moved. The version is read
    before the rows, so a change racing with the read leaves an older version next to
    newer rows: the next request re-reads, never the reverse.
    """
    if "lesson_stages" not in g:
        cache = current_app.extensions.setdefault("lesson_stage_cache", {})
        try:
            version = read_counter(STAGES_COUNTER)  # None before migration 0005: no cache
        except SQLAlchemyError:  # the database is away
            rollback_quietly()
            log.warning("lesson stages unreadable; using every lesson's fixed stage")
            g.lesson_stages = {}
            return g.lesson_stages
        if version is not None and cache.get("version") == version:
            g.lesson_stages = cache["rows"]
            return g.lesson_stages
        try:
            rows = dict(db.session.execute(select(LessonStage.lesson, LessonStage.stage)).all())
        except SQLAlchemyError:
            # No table yet, or the database is away: every lesson at its fixed stage.
            rollback_quietly()
            log.warning("lesson stages unreadable; using every lesson's fixed stage")
            version, rows = None, {}
        cache.clear()
        if version is not None:
            cache.update(version=version, rows=rows)
        g.lesson_stages = rows
    return g.lesson_stages


def active_stage(slug: str) -> str:
    """The active stage slug; the fixed stage unless lab mode chose another valid one."""
    lesson = get_lesson(slug)
    if not lab_enabled():
        return lesson.default_stage.slug
    stored = _stored().get(slug)
    if stored == YOURS:
        # The learner's workspace file (lab mode only). Re-checked on each request: a save
        # that breaks it falls back to the fixed stage (fail closed) until it loads again.
        return YOURS if _yours(lesson) is not None else lesson.default_stage.slug
    try:
        stage = lesson.stage(stored).slug if stored else lesson.default_stage.slug
        lesson.module(stage)  # imported and checked against the seam
        return stage
    except KeyError:
        log.warning("lesson %s: stored stage %r unknown; using the fixed stage", slug, stored)
    except SeamError as exc:
        log.error("lesson %s: %s; using the fixed stage", slug, exc)
    return lesson.default_stage.slug


# One overload per lesson: the return type is the lesson's seam Protocol.
# fmt: off
@overload
def active(slug: Literal["vulnerable-components"]) -> VulnerableComponentsSeam: ...
@overload
def active(slug: Literal["sql-injection"]) -> SqlInjectionSeam: ...
@overload
def active(slug: Literal["weak-password-storage"]) -> WeakPasswordStorageSeam: ...
@overload
def active(slug: Literal["broken-authentication"]) -> BrokenAuthenticationSeam: ...
@overload
def active(slug: Literal["broken-deauthentication"]) -> BrokenDeauthenticationSeam: ...
@overload
def active(slug: Literal["csrf"]) -> CsrfSeam: ...
@overload
def active(slug: Literal["xss"]) -> XssSeam: ...
@overload
def active(slug: Literal["broken-access-control"]) -> BrokenAccessControlSeam: ...
@overload
def active(slug: Literal["xxe"]) -> XxeSeam: ...
@overload
def active(slug: Literal["sensitive-data-exposure"]) -> SensitiveDataExposureSeam: ...
@overload
def active(slug: Literal["template-injection"]) -> TemplateInjectionSeam: ...
@overload
def active(slug: Literal["insecure-deserialization"]) -> InsecureDeserializationSeam: ...
@overload
def active(slug: Literal["path-traversal"]) -> PathTraversalSeam: ...
@overload
def active(slug: Literal["ssrf"]) -> SsrfSeam: ...
@overload
def active(slug: Literal["command-injection"]) -> CommandInjectionSeam: ...
@overload
def active(slug: Literal["open-redirect"]) -> OpenRedirectSeam: ...
@overload
def active(slug: Literal["weak-secret-key"]) -> WeakSecretKeySeam: ...
@overload
def active(slug: str) -> Any: ...
# fmt: on


def active(slug: str) -> Any:
    """The active stage's module, checked against the lesson's seam Protocol."""
    # Lab/test only: ``fix check`` grades a learner's module in a scratch app through
    # the app-config key STAGE_OVERRIDES = {slug: module}, consulted before any stage.
    override = (current_app.config.get("STAGE_OVERRIDES") or {}).get(slug)
    if override is not None and lab_enabled():
        return override
    lesson = get_lesson(slug)
    stage = active_stage(slug)
    if stage == YOURS:
        module = _yours(lesson)  # cached per file version: the same module active_stage saw
        return module if module is not None else lesson.module(lesson.default_stage.slug)
    return lesson.module(stage)


def active_stages() -> dict[str, str]:
    return {lesson.slug: active_stage(lesson.slug) for lesson in all_lessons()}


def vulnerable_stages() -> dict[str, str]:
    """The lessons not at their fixed stage, with their active stage (none outside lab mode)."""
    return {
        slug: stage
        for slug, stage in active_stages().items()
        if get_lesson(slug).default_stage.slug != stage
    }


def set_stage(lesson_slug: str, stage_slug: str) -> None:
    """Make a stage active for every worker; vulnerable stages (and ``yours``) need lab mode."""
    try:
        lesson = get_lesson(lesson_slug)
        stage = None if stage_slug == YOURS else lesson.stage(stage_slug)
    except KeyError as exc:
        raise StageError(exc.args[0]) from None
    if stage is None:
        chosen = _check_yours(lesson)
    else:
        lesson.module(stage.slug)  # SeamError (a StageError) names what the module lacks
        if stage != lesson.default_stage and not lab_enabled():
            raise StageError(
                f"{lesson.slug}={stage.slug} is a vulnerable stage; it can only be chosen in lab "
                "mode (MARKETPLACE_ENV=development)"
            )
        chosen = stage.slug
    row = db.session.get(LessonStage, lesson.slug)
    if row is None:
        db.session.add(LessonStage(lesson=lesson.slug, stage=chosen))
    else:
        row.stage = chosen
    db.session.commit()
    g.pop("lesson_stages", None)
    stage_changed.send(lesson.slug)


def _check_yours(lesson) -> str:
    """Refuse ``yours`` outside lab mode, or when the learner's file does not load."""
    from .workspace import WorkspaceError, load_yours

    if not lab_enabled():
        raise StageError(
            f"{lesson.slug}={YOURS} is your own, unreviewed code; it can only be chosen in lab "
            "mode (MARKETPLACE_ENV=development)"
        )
    try:
        load_yours(lesson)
    except WorkspaceError as exc:
        raise StageError(f"{lesson.slug}={YOURS}: {exc}") from None
    return YOURS


def reset(lesson_slug: str | None = None) -> None:
    """Return one lesson, or all, to the fixed stage."""
    query = delete(LessonStage)
    lessons = all_lessons() if lesson_slug is None else (get_lesson(lesson_slug),)
    if lesson_slug is not None:
        query = query.where(LessonStage.lesson == lessons[0].slug)
    db.session.execute(query)
    db.session.commit()
    g.pop("lesson_stages", None)
    for lesson in lessons:
        stage_changed.send(lesson.slug)


def apply_start_stages(spec: str) -> dict[str, str]:
    """At start-up: every lesson back to its fixed stage, then the chosen ones."""
    chosen = parse_stages(spec)
    reset()
    for slug, stage in chosen.items():
        set_stage(slug, stage)
    return chosen
