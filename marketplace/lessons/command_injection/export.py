"""The export itself, around the active stage: the CSV in, the archive out, the detector.

A fresh temporary folder holds ``listings.csv``; the stage packs it; the folder is removed
with everything in it when the request ends. The challenge detector looks at that folder
after the stage ran: an honest export leaves exactly the CSV and the archive there, so any
other file is the trace of a command the file name made the server run (a learner's
``touch proof`` lands there, in the shell's working folder).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select

from marketplace import challenges
from marketplace.exports import CSV_NAME, MAX_ARCHIVE_BYTES, ExportError, write_csv
from marketplace.extensions import db
from marketplace.lessons import active
from marketplace.models import Listing

SLUG = "command-injection"
SUBSTITUTION = ("$(", "`")
GZIP_MAGIC = b"\x1f\x8b"


def export_listings(user_id: int, filename: str) -> bytes:
    """The ``.tar.gz`` of the user's listings as CSV; ``ExportError`` when it cannot be made."""
    listings = db.session.scalars(
        select(Listing).where(Listing.user_id == user_id).order_by(Listing.id)
    ).all()
    with tempfile.TemporaryDirectory(prefix="marketplace-export-") as name:
        folder = Path(name)
        write_csv(folder / CSV_NAME, listings)
        archive = active(SLUG).build_archive(folder, filename)
        _detect(folder, archive, filename)
        # The archive must be a file the stage made in the folder: never a path elsewhere.
        if archive.parent != folder or not archive.is_file():
            raise ExportError("The archive could not be created; try a plain file name.")
        if archive.stat().st_size > MAX_ARCHIVE_BYTES:
            raise ExportError("The archive is too large to download.")
        return archive.read_bytes()


def _made_by_tar(path: Path) -> bool:
    # A quote in an honest name can make the shell name the archive differently: still an
    # archive, no command of the seller's. Anything else is.
    with path.open("rb") as file:
        return file.read(2) == GZIP_MAGIC


def _detect(folder: Path, archive: Path, filename: str) -> None:
    extra = sorted(
        p.name
        for p in folder.iterdir()
        if p.name not in (CSV_NAME, archive.name) and not (p.is_file() and _made_by_tar(p))
    )
    if not extra:
        return
    exploit = (
        "command-substitution" if any(s in filename for s in SUBSTITUTION) else "semicolon-command"
    )
    challenges.solved(
        SLUG,
        exploit,
        f"the export's working folder gained {', '.join(extra)[:80]!r} "
        f"after the file name {filename[:80]!r}",
    )
