#!/usr/bin/env python3
"""Cut the advisory subset the vulnerable-components lesson ships, from a PyPA advisory DB.

Usage:
    python tools/make_advisory_snapshot.py /path/to/advisory-database \
        [--requirements FILE ...] [--package NAME ...] [--out DIR]

Reads the OSV advisories (YAML, ``vulns/<package>/*.yaml``) of every package named in the
requirement files (default: the project's lock and every stage's set of the lesson) and
the extra ``--package`` names (default: pip, setuptools, wheel, which every environment
has), and writes ``osv-subset.json`` and ``LICENSE.txt`` (the database's CC-BY 4.0 text)
into ``--out`` (default: the lesson's ``advisories/`` folder). The date and commit of the
snapshot come from the database's ``SNAPSHOT.md`` unless given with ``--date``/``--commit``.
Only the ``affected`` entries of the chosen packages are kept; everything else of an
advisory is copied as is.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "marketplace" / "lessons" / "vulnerable_components"
DEFAULT_REQUIREMENTS = [
    ROOT / "marketplace" / "requirements-lock.txt",
    *sorted((LESSON / "requirements").glob("*.txt")),
]
DEFAULT_PACKAGES = ["pip", "setuptools", "wheel"]
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        try:
            names.add(canonicalize_name(Requirement(line).name))
        except InvalidRequirement:
            print(f"{path}: skipping {line!r}", file=sys.stderr)
    return names


def snapshot_info(database: Path) -> dict[str, str]:
    text = (database / "SNAPSHOT.md").read_text() if (database / "SNAPSHOT.md").exists() else ""
    commit = re.search(r"commit\s+([0-9a-f]{7,40})", text)
    date = re.search(r"(\d{4}-\d{2}-\d{2})", text)
    return {"commit": commit.group(1) if commit else "", "date": date.group(1) if date else ""}


def collect(database: Path, wanted: set[str]) -> list[dict]:
    advisories = []
    for folder in sorted((database / "vulns").iterdir()):
        if not folder.is_dir() or canonicalize_name(folder.name) not in wanted:
            continue
        for path in sorted(folder.glob("*.yaml")):
            record = yaml.load(path.read_text(), Loader=Loader)  # noqa: S506 - safe loaders only
            affected = [
                entry
                for entry in record.get("affected", [])
                if canonicalize_name(entry.get("package", {}).get("name", "")) in wanted
                and entry.get("package", {}).get("ecosystem") == "PyPI"
            ]
            if affected:
                advisories.append({**record, "affected": affected})
    return advisories


def _iso(value) -> str:
    """YAML reads unquoted timestamps as datetimes; OSV wants RFC 3339 strings."""
    return value.isoformat().replace("+00:00", "Z")


def dump(document: dict) -> str:
    """Compact JSON with one advisory per line, so a regenerated subset diffs readably."""
    head = {k: v for k, v in document.items() if k != "advisories"}
    lines = [
        json.dumps(a, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_iso)
        for a in document["advisories"]
    ]
    text = json.dumps(head, indent=1, sort_keys=True)[:-2]
    return text + ',\n "advisories": [\n' + ",\n".join(lines) + "\n ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path, help="the advisory database checkout")
    parser.add_argument("--requirements", type=Path, action="append")
    parser.add_argument("--package", action="append")
    parser.add_argument("--out", type=Path, default=LESSON / "advisories")
    parser.add_argument("--date", help="snapshot date (default: from SNAPSHOT.md)")
    parser.add_argument("--commit", help="snapshot commit (default: from SNAPSHOT.md)")
    args = parser.parse_args(argv)
    if not (args.database / "vulns").is_dir():
        parser.error(f"{args.database} has no vulns/ folder: not an advisory database")

    wanted: set[str] = {canonicalize_name(p) for p in (args.package or DEFAULT_PACKAGES)}
    for path in args.requirements or DEFAULT_REQUIREMENTS:
        wanted |= requirement_names(path)
    info = snapshot_info(args.database)
    advisories = collect(args.database, wanted)
    document = {
        "source": "PyPA advisory database, https://github.com/pypa/advisory-database",
        "commit": args.commit or info["commit"],
        "date": args.date or info["date"],
        "licence": "CC-BY-4.0 (see LICENSE.txt); a subset: the advisories of the packages "
        "below, with only their PyPI 'affected' entries",
        "packages": sorted(wanted),
        "advisories": advisories,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "osv-subset.json").write_text(dump(document))
    shutil.copyfile(args.database / "LICENSE", args.out / "LICENSE.txt")
    print(
        f"{len(advisories)} advisories for {len(wanted)} packages -> {args.out}/osv-subset.json "
        f"(snapshot {document['date']}, commit {document['commit']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
