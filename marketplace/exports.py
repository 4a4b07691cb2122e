"""What every stage of "export my listings" shares: the CSV, the limits, the error type.

The view writes the seller's listings as ``listings.csv`` into a fresh temporary folder
and asks the command-injection lesson's active stage to pack it into a ``.tar.gz``; the
stages differ only in how the archive is made.
"""

from __future__ import annotations

import csv
import re
import subprocess  # nosec B404 - only its exceptions: this module runs no program
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

CSV_NAME = "listings.csv"
DEFAULT_FILENAME = "my-listings.tar.gz"
FILENAME_MAX = 120
TAR_SECONDS = 10  # a stage that runs a program gives up after this long
MAX_ARCHIVE_BYTES = 8 * 1024 * 1024

# Control characters (tab, CR, LF...) have no place in a file name, and CR/LF would break
# the Content-Disposition header of the download.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ExportError(ValueError):
    """The archive could not be made; the message says why (HTTP 400)."""


@contextmanager
def tar_failures() -> Iterator[None]:
    """Turn a failed or slow ``tar`` run by a stage into an :class:`ExportError` message."""
    try:
        yield
    except subprocess.CalledProcessError as failed:
        raise ExportError(
            f"tar could not make the archive (exit status {failed.returncode})."
        ) from None
    except subprocess.TimeoutExpired:
        raise ExportError(f"Making the archive took longer than {TAR_SECONDS} s.") from None


def filename_problem(filename: str) -> str | None:
    """Why ``filename`` cannot name a download, or None. Shell characters are the stages'
    business (that is the lesson); this is only what no file name may hold."""
    if not filename.strip():
        return "Give the archive a file name, for example my-listings.tar.gz."
    if len(filename) > FILENAME_MAX:
        return f"The file name is too long: at most {FILENAME_MAX} characters."
    if _CONTROL.search(filename):
        return "The file name cannot contain control characters (tabs, line breaks...)."
    return None


def write_csv(path: Path, listings: Iterable) -> int:
    """``title,description,created`` per listing, UTF-8; the number of rows written."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(("title", "description", "created"))
        for listing in listings:
            writer.writerow((listing.title, listing.description, listing.created_at.isoformat()))
            rows += 1
    return rows
