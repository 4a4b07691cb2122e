"""Wrong fix: ``shlex.quote`` on the file argument, the seller's name pasted raw elsewhere.

The archive is labelled with the name the seller chose (tar's ``--label``), and the label
went in by hand between double quotes. ``shlex.quote`` made the ``--file`` argument one
inert word, but the same text still reaches the shell in the label, where ``$(...)`` runs
and a ``"`` ends the quote. Quoting one place of a shell line is not quoting the line.

Caught by: command-substitution
"""

import shlex
import subprocess
from pathlib import Path

from marketplace.exports import CSV_NAME, TAR_SECONDS, tar_failures


def build_archive(folder: Path, filename: str) -> Path:
    command = f'tar -czf {shlex.quote(filename)} --label="{filename}" {CSV_NAME}'
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
