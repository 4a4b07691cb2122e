"""What the app needs from its requirement set: the versions it is written for.

The check reads the active set from the lab (``/lab/vulnerable-components/requirements.txt``,
as the exploit does) and compares it with the app's own dependency ranges (pyproject's
``dependencies``, read from the installed package's metadata, via ``packaging``): every
dependency must be pinned to a version inside its range. An empty set has no advisories
and no app; a set that pins old versions the code was never written for is no fix either.

``flask-0.12`` fails it: the course's starting set predates the app (Flask 0.12 does not
satisfy ``Flask>=3.1``). That set exists to be audited, never installed; the lesson
tests list it as failing this check.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from marketplace.features import Broken, Feature, checked

from . import osv

REQUIREMENTS_PATH = "/lab/vulnerable-components/requirements.txt"


def app_dependencies() -> list[Requirement]:
    """The app's own runtime dependencies (no extras), from its metadata or pyproject."""
    try:
        lines = metadata.requires("marketplace") or []
    except metadata.PackageNotFoundError:
        import tomllib

        pyproject = Path(__file__).resolve().parents[3] / "pyproject.toml"
        lines = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    found = [Requirement(line) for line in lines]
    return [r for r in found if r.marker is None or r.marker.evaluate({"extra": ""})]


@checked("satisfies-dependency-ranges")
def satisfies_dependency_ranges(target, people, details) -> str:
    """Every dependency of the app is pinned to a version within its range."""
    reply = target.session().get(REQUIREMENTS_PATH)
    if reply.status != 200:
        raise Broken(f"the requirement set could not be read (HTTP {reply.status})")
    pins, problems = osv.parse_requirements(reply.text)
    pinned = {pin.name: pin.version for pin in pins}
    wanted = app_dependencies()
    missing, outside = [], []
    for requirement in wanted:
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            missing.append(str(requirement))
        elif not requirement.specifier.contains(version, prereleases=True):
            outside.append(f"{requirement.name}=={version} (needs {requirement.specifier})")
    details.extend([*(f"outside the range: {o}" for o in outside), *problems])
    if missing:
        details.append(f"not pinned: {', '.join(missing)}")
    if outside or missing:
        first = (outside or missing)[0]
        raise Broken(
            f"{len(outside)} pins outside the app's ranges, {len(missing)} dependencies "
            f"not pinned (first: {first})"
        )
    return f"all {len(wanted)} dependencies of the app are pinned within their ranges"


FEATURES = (
    Feature(
        "satisfies-dependency-ranges",
        "The requirement set satisfies the app's own dependency ranges.",
        satisfies_dependency_ranges,
    ),
)
