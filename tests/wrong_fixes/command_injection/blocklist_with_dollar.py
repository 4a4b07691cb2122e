"""Wrong fix: a longer blocklist that also refuses ``$`` (and ``>`` and ``<``).

``$(...)`` is refused now, but the shell has an older spelling of command substitution:
backticks, which run inside double quotes just the same. A blocklist is a list of the
tricks its author remembered.

Caught by: command-substitution
"""

import subprocess
from pathlib import Path

from marketplace.exports import CSV_NAME, TAR_SECONDS, ExportError, tar_failures

BLOCKED = frozenset(";&|$<>")


def build_archive(folder: Path, filename: str) -> Path:
    if BLOCKED & set(filename):
        raise ExportError("The file name cannot contain ; & | $ < or >.")
    command = f'tar -czf "{filename}" {CSV_NAME}'
    with tar_failures():
        subprocess.run(
            command,
            shell=True,
            cwd=folder,
            timeout=TAR_SECONDS,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
    return folder / filename
