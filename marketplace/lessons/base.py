"""The shapes a lesson is declared with: stages in order and exploits with their fix."""

from __future__ import annotations

import importlib
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


@dataclass(frozen=True)
class Lesson:
    slug: str
    chapter: int
    title: str
    seam: str
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

    def module(self, stage_slug: str) -> ModuleType:
        """Import the stage's seam module (only the engine does this)."""
        stage = self.stage(stage_slug)
        return importlib.import_module(f"{self.package}.stages.{stage.module_name}")

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
