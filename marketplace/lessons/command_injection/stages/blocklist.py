"""The same shell line, but file names with ``;``, ``&`` or ``|`` are refused.

Still unsafe: a blocklist names the characters its author thought of. The shell has more
ways to run a command than to chain one: ``$(command)`` and backticks are command
substitution, and they run inside double quotes. (It also refuses honest names such as
``pots & pans.tar.gz``.)
"""

import subprocess
from pathlib import Path

from marketplace.exports import CSV_NAME, TAR_SECONDS, ExportError, tar_failures

BLOCKED = frozenset(";&|")


def build_archive(folder: Path, filename: str) -> Path:
    if BLOCKED & set(filename):  # VULNERABLE: $( ) and backticks are not on the list
        raise ExportError("The file name cannot contain ; & or |.")
    command = f'tar -czf "{filename}" {CSV_NAME}'  # VULNERABLE: still user text in shell code
    with tar_failures():
        subprocess.run(
            command,
            shell=True,  # VULNERABLE: the shell still parses the line
            cwd=folder,
            timeout=TAR_SECONDS,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
    return folder / filename
