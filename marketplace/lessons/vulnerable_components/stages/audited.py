"""Beyond the course: the project's own locked dependencies, audited against known advisories.

Safe as far as the advisory snapshot knows: every package is pinned to a current release
and CI fails as soon as a pinned version matches an advisory, so the pins do not go stale
unnoticed the way the course's one-time fix did.
"""

from pathlib import Path

import marketplace


def requirements_file() -> Path:
    return Path(marketplace.__file__).parent / "requirements-lock.txt"  # FIX: audited pins
