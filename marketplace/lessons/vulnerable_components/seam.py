"""The seam of the vulnerable-components lesson: a requirement set, not run-time code.

A stage of this lesson is a requirements file under ``requirements/`` (or the project's
lock file); its stage module only says where that file is, so the registry checks it like
any other seam, and the lab and the ``known-advisories`` exploit read the file.
"""

from pathlib import Path
from typing import Protocol


class VulnerableComponentsSeam(Protocol):
    """The requirement set the app is built from (audited, not switched at run time)."""

    def requirements_file(self) -> Path:
        """The stage's pinned requirements file (it must exist)."""
        ...
