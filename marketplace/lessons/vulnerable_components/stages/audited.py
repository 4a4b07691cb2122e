"""1/fix: the project's own locked dependencies, audited against known advisories."""

from pathlib import Path

import marketplace


def requirements_file() -> Path:
    return Path(marketplace.__file__).parent / "requirements-lock.txt"  # FIX: audited pins
