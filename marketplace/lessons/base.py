"""The shapes a lesson is declared with: stages in order, exploits with their fix, and the
seam (a ``typing.Protocol``) every stage module is checked against when it is loaded."""

from __future__ import annotations

import importlib
import inspect
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import click
    from flask import Blueprint

    from marketplace.exploits.target import Outcome, Target
    from marketplace.features import Feature


class StageError(ValueError):
    """An unknown lesson or stage, or a vulnerable stage where none is allowed."""


class SeamError(StageError):
    """A stage module that does not implement its lesson's seam (missing or wrong function)."""


def seam_functions(seam: type) -> dict[str, inspect.Signature]:
    """The functions a seam Protocol declares, by name, with ``self`` left out."""
    functions = {}
    for name, value in vars(seam).items():
        if name.startswith("_") or not inspect.isfunction(value):
            continue
        signature = inspect.signature(value)
        functions[name] = signature.replace(parameters=list(signature.parameters.values())[1:])
    return functions


def _shape(signature: inspect.Signature) -> list[tuple[str, object]]:
    # Names and kinds: views pass some arguments by keyword. Annotations are documentation.
    return [(p.name, p.kind) for p in signature.parameters.values()]


def check_seam(module: ModuleType, seam: type, where: str) -> None:
    """Raise :class:`SeamError` naming the first seam function ``module`` lacks or gets wrong."""
    for name, expected in seam_functions(seam).items():
        function = getattr(module, name, None)
        if function is None:
            raise SeamError(
                f"{where} does not define {name}(); the seam expects def {name}{expected}"
            )
        if not callable(function):
            raise SeamError(
                f"{where}.{name} is not a function; the seam expects def {name}{expected}"
            )
        try:
            actual = inspect.signature(function)
        except (TypeError, ValueError):  # a builtin without a signature: trust the name
            continue
        if _shape(actual) != _shape(expected):
            raise SeamError(
                f"{where}.{name}{actual} does not match the seam: expected def {name}{expected}"
            )


@dataclass(frozen=True)
class Stage:
    slug: str
    step: str  # the course step, e.g. "5.1/fix"; "beyond" for stages past the course
    summary: str

    @property
    def module_name(self) -> str:
        return self.slug.replace("-", "_").replace(".", "_")


@dataclass(frozen=True)
class Exploit:
    name: str
    fixed_by: str
    run: Callable[[Target], Outcome]
    summary: str
    needs_browser: bool = False


# Stage modules already checked against their seam (a module is imported once anyway).
_CHECKED: weakref.WeakSet[ModuleType] = weakref.WeakSet()


@dataclass(frozen=True)
class Lesson:
    slug: str
    chapter: int
    title: str
    # The lesson's seam Protocol (``<lesson>/seam.py``): its docstring says what the stages
    # change, its methods are the functions every stage module must define.
    seam: type
    stages: Sequence[Stage]
    exploits: Sequence[Exploit]
    package: str
    commands: Sequence[click.Command] = field(default_factory=tuple)
    # Optional lab-only pages of the lesson, mounted at /lab/<slug>/... behind the lab's guard,
    # and the links to show on the lesson's lab page as (label, path below /lab/<slug>/).
    lab_blueprint: Blueprint | None = None
    lab_links: Sequence[tuple[str, str]] = field(default_factory=tuple)
    features: Sequence[Feature] = field(default_factory=tuple)  # honest-user checks

    def __post_init__(self) -> None:
        names = [s.slug for s in self.stages]
        for exploit in self.exploits:
            if exploit.fixed_by not in names:
                raise ValueError(f"{self.slug}: {exploit.name} fixed by unknown stage")

    @property
    def default_stage(self) -> Stage:
        """The last, most secure stage: where every lesson starts."""
        return self.stages[-1]

    def stage(self, slug: str) -> Stage:
        for stage in self.stages:
            if stage.slug == slug:
                return stage
        known = ", ".join(s.slug for s in self.stages)
        raise KeyError(f"lesson {self.slug!r} has no stage {slug!r}; its stages are: {known}")

    def index(self, stage_slug: str) -> int:
        return [s.slug for s in self.stages].index(stage_slug)

    def exploit(self, name: str) -> Exploit:
        for exploit in self.exploits:
            if exploit.name == name:
                return exploit
        known = ", ".join(e.name for e in self.exploits)
        raise KeyError(f"lesson {self.slug!r} has no exploit {name!r}; its exploits are: {known}")

    def expected_exploited(self, exploit: Exploit, stage_slug: str) -> bool:
        """The catalogue's rule: exploited before the fixing stage, defended from it on."""
        return self.index(stage_slug) < self.index(exploit.fixed_by)

    @property
    def seam_summary(self) -> str:
        """What the stages change, in one line (the seam Protocol's docstring)."""
        return " ".join((inspect.getdoc(self.seam) or "").split())

    def module(self, stage_slug: str) -> ModuleType:
        """Import the stage's module and check it against the seam (only the engine does this).

        Raises :class:`SeamError` naming the missing or wrong function.
        """
        stage = self.stage(stage_slug)
        name = f"{self.package}.stages.{stage.module_name}"
        module = importlib.import_module(name)
        if module not in _CHECKED:
            check_seam(module, self.seam, f"{self.slug} stage {stage.slug} ({name})")
            _CHECKED.add(module)
        return module

    @property
    def folder(self) -> Path:
        return Path(importlib.import_module(self.package).__file__).parent

    def source(self, stage_slug: str) -> str:
        path = self.folder / "stages" / f"{self.stage(stage_slug).module_name}.py"
        return path.read_text()

    def text(self) -> str:
        """The lesson's README.md; a lesson still being written says so instead of failing."""
        path = self.folder / "README.md"
        if not path.exists():
            return f"# {self.title}\n\n*The text of this lesson is not written yet.*\n"
        return path.read_text()
