"""Beyond the course: no shell, and here no program either: Python's ``tarfile`` packs it.

Safe: nothing parses the seller's text as code or as options. The course's fix is an
argument list without a shell (``subprocess.run(["tar", "-czf", path, "--", name])``):
each element reaches the program as one value. Where the standard library does the job,
as here, there is no program to call at all: no shell, no option parsing (a name like
``--checkpoint-action=exec=...`` is only a name), no binary on the ``PATH`` to trust, no
process to bound. The archive gets a name the server chooses; the seller's file name only
names the download, and Flask encodes it into the ``Content-Disposition`` header.
"""

import tarfile
from pathlib import Path

from marketplace.exports import CSV_NAME

ARCHIVE_NAME = "listings.tar.gz"


def build_archive(folder: Path, filename: str) -> Path:
    archive = folder / ARCHIVE_NAME  # FIX: the server names the file; `filename` is not a path
    with tarfile.open(archive, "w:gz") as tar:  # FIX: no shell, no program, no options
        tar.add(folder / CSV_NAME, arcname=CSV_NAME)
    return archive
