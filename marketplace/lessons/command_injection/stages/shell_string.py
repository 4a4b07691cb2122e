"""``tar`` runs through a shell, with the seller's file name pasted into the line.

Unsafe: ``shell=True`` hands the whole string to ``/bin/sh``, which reads it as a program.
The double quotes keep names with spaces working, and that is all they do: a name that
closes the quote and adds ``; any command`` runs that command, and ``$(any command)`` runs
even inside the quotes. Whatever the web server's account may do, the seller may now do.
"""

import subprocess
from pathlib import Path

from marketplace.exports import CSV_NAME, TAR_SECONDS, tar_failures


def build_archive(folder: Path, filename: str) -> Path:
    command = f'tar -czf "{filename}" {CSV_NAME}'  # VULNERABLE: user text inside shell code
    with tar_failures():
        # VULNERABLE: shell=True makes /bin/sh parse the line: ; $( ) ` | & all work
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
