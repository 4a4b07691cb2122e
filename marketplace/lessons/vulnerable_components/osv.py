"""Audit a set of pinned requirements against OSV advisories (the shipped snapshot).

OSV (https://ossf.github.io/osv-schema/) says which versions an advisory affects in two
ways, and an entry may use both: an explicit ``versions`` list, and ``ranges`` whose
``events`` (``introduced``, ``fixed``, ``last_affected``, ``limit``) mark where affected
stretches start and end. Versions are compared with ``packaging`` (PEP 440), as pip does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

SNAPSHOT_DIR = Path(__file__).parent / "advisories"
SNAPSHOT_FILE = SNAPSHOT_DIR / "osv-subset.json"


@dataclass(frozen=True)
class Snapshot:
    source: str
    commit: str
    date: str
    licence: str
    packages: frozenset[str]
    advisories: tuple[dict, ...]
    path: Path

    def describe(self) -> str:
        return (
            f"{self.source}, commit {self.commit} of {self.date}; "
            f"licence {self.licence.split(' ', 1)[0]} ({self.path.parent / 'LICENSE.txt'}); "
            f"{len(self.advisories)} advisories of {len(self.packages)} packages"
        )


@cache
def load_snapshot(path: Path = SNAPSHOT_FILE) -> Snapshot:
    data = json.loads(path.read_text())
    return Snapshot(
        source=data["source"],
        commit=data["commit"],
        date=data["date"],
        licence=data["licence"],
        packages=frozenset(data["packages"]),
        advisories=tuple(a for a in data["advisories"] if not a.get("withdrawn")),
        path=path,
    )


@dataclass(frozen=True)
class Pin:
    name: str  # canonical (PEP 503) name
    version: str
    line: str


def parse_requirements(text: str) -> tuple[list[Pin], list[str]]:
    """Exactly pinned requirements (``name==version``), and what could not be audited."""
    pins, problems = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-"):
            problems.append(f"line {number}: option {line!r} ignored")
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement as exc:
            problems.append(f"line {number}: not a requirement ({exc})")
            continue
        exact = [s.version for s in requirement.specifier if s.operator in ("==", "===")]
        if len(exact) != 1 or "*" in exact[0]:
            problems.append(f"line {number}: {line!r} is not pinned to one version")
            continue
        pins.append(Pin(canonicalize_name(requirement.name), exact[0], line))
    return pins, problems


def project_dependencies(
    root: str = "marketplace", extras: tuple[str, ...] = ("test",)
) -> list[Pin]:
    """The installed versions of what the project installs: ``root`` and its test extra,
    followed through every installed dependency (with the extras they ask for).

    The virtualenv's own tools (pip, setuptools, wheel) and anything else installed by
    hand are not the project's and are left out; ``root`` itself has no advisories.
    """
    found: dict[str, Pin] = {}
    pending = [(canonicalize_name(root), set(extras))]
    seen: set[tuple[str, str]] = set()
    while pending:
        name, wanted = pending.pop()
        key = (name, ",".join(sorted(wanted)))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional dependency for another platform, not installed here
        if name != canonicalize_name(root):
            found[name] = Pin(name, dist.version, f"{dist.metadata['Name']}=={dist.version}")
        for text in dist.requires or ():
            try:
                requirement = Requirement(text)
            except InvalidRequirement:
                continue
            marker = requirement.marker
            if marker and not any(marker.evaluate({"extra": e}) for e in wanted | {""}):
                continue
            pending.append((canonicalize_name(requirement.name), set(requirement.extras)))
    return sorted(found.values(), key=lambda pin: pin.name)


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def in_versions(version: str, versions: list[str]) -> bool:
    parsed = _version(version)
    return any(
        listed == version or (parsed is not None and _version(listed) == parsed)
        for listed in versions
    )


def in_range(version: str, events: list[dict]) -> bool:
    """Whether ``version`` falls in an OSV ECOSYSTEM/SEMVER range given by its events."""
    current = _version(version)
    if current is None:
        return False
    points = []
    for event in events:
        for kind, value in event.items():
            if kind == "introduced" and value == "0":
                points.append((None, kind))
                continue
            bound = _version(str(value))
            if bound is None:
                return False  # a range we cannot read proves nothing either way
            points.append((bound, kind))
    affected = False
    # Walk the events in version order; the last one at or below ``current`` decides.
    for bound, kind in sorted(points, key=lambda p: (p[0] is not None, p[0] or Version("0"))):
        if kind == "introduced":
            affected = affected or bound is None or current >= bound
        elif kind == "limit" and current >= bound:
            return False
        elif kind == "fixed":  # the first safe release
            affected = affected and current < bound
        elif kind == "last_affected":  # the last unsafe release
            affected = affected and current <= bound
    return affected


def affects(entry: dict, version: str) -> bool:
    """One ``affected`` entry: its versions list, or any of its version ranges."""
    if in_versions(version, entry.get("versions", [])):
        return True
    return any(
        in_range(version, r.get("events", []))
        for r in entry.get("ranges", [])
        if r.get("type") in ("ECOSYSTEM", "SEMVER")  # GIT ranges name commits, not releases
    )


def fixed_versions(entry: dict) -> list[str]:
    return [
        str(event["fixed"])
        for r in entry.get("ranges", [])
        if r.get("type") in ("ECOSYSTEM", "SEMVER")
        for event in r.get("events", [])
        if "fixed" in event
    ]


@dataclass(frozen=True)
class Match:
    pin: Pin
    id: str
    aliases: tuple[str, ...]
    fixed: tuple[str, ...]
    summary: str

    def line(self) -> str:
        aliases = f" ({', '.join(self.aliases)})" if self.aliases else ""
        fixed = f"fixed in {', '.join(self.fixed)}" if self.fixed else "no fixed release"
        return f"{self.pin.name} {self.pin.version}: {self.id}{aliases}, {fixed}"

    def as_dict(self) -> dict:
        return {
            "package": self.pin.name,
            "version": self.pin.version,
            "id": self.id,
            "aliases": list(self.aliases),
            "fixed_in": list(self.fixed),
            "summary": self.summary,
        }


@dataclass
class Report:
    snapshot: Snapshot
    pins: list[Pin]
    matches: list[Match] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def uncovered(self) -> list[str]:
        """Pinned packages the shipped subset has no advisory data for."""
        return [p.name for p in self.pins if p.name not in self.snapshot.packages]

    @property
    def vulnerable_packages(self) -> list[str]:
        return sorted({m.pin.name for m in self.matches})

    def as_dict(self) -> dict:
        return {
            "snapshot": {
                "source": self.snapshot.source,
                "commit": self.snapshot.commit,
                "date": self.snapshot.date,
                "licence": self.snapshot.licence,
                "licence_file": str(self.snapshot.path.parent / "LICENSE.txt"),
            },
            "packages": [{"name": p.name, "version": p.version} for p in self.pins],
            "advisories": [m.as_dict() for m in self.matches],
            "not_covered": self.uncovered,
            "problems": self.problems,
        }


def _summary(advisory: dict) -> str:
    text = advisory.get("summary") or advisory.get("details") or ""
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:159] + "…"


def audit(pins: list[Pin], snapshot: Snapshot | None = None) -> Report:
    snapshot = snapshot or load_snapshot()
    by_package: dict[str, list[tuple[dict, dict]]] = {}
    for advisory in snapshot.advisories:
        for entry in advisory.get("affected", []):
            name = canonicalize_name(entry.get("package", {}).get("name", ""))
            by_package.setdefault(name, []).append((advisory, entry))
    report = Report(snapshot, list(pins))
    for pin in pins:
        seen = set()
        for advisory, entry in by_package.get(pin.name, []):
            if advisory["id"] not in seen and affects(entry, pin.version):
                seen.add(advisory["id"])
                report.matches.append(
                    Match(
                        pin,
                        advisory["id"],
                        tuple(advisory.get("aliases", [])),
                        tuple(fixed_versions(entry)),
                        _summary(advisory),
                    )
                )
    return report
