"""What the stages share, and the lesson's own watch over every restore.

The views call :func:`restore_listings` and :func:`backup_file`, never a stage. A restore
reads the file with the active stage, then checks what came out (a backup of at most
``MAX_LISTINGS`` listings with a title and a description each) with the same messages at
every stage. While the stage reads the file, an audit hook watches for programs being
started: that is the effect the challenges look for (issue 13). Which challenge depends on
the file: YAML tags for Python objects (``!!python/``) or a pickle.
"""

from __future__ import annotations

from typing import Any

from marketplace.challenges import solved
from marketplace.lessons import active
from marketplace.models import DESCRIPTION_MAX, TITLE_MAX
from marketplace.process_watch import processes_started

LESSON = "insecure-deserialization"
FORMAT = "marketplace-listings"
VERSION = 1
MAX_BACKUP_BYTES = 512 * 1024
MAX_LISTINGS = 500


class BackupError(ValueError):
    """The file cannot be restored; the message says why (HTTP 400)."""


def check_size(data: bytes) -> None:
    """Refuse an empty or too large file before reading it."""
    if not data.strip():
        raise BackupError("The file is empty: choose a backup downloaded from this site.")
    if len(data) > MAX_BACKUP_BYTES:
        raise BackupError(
            f"The file is too large: at most {MAX_BACKUP_BYTES // 1024} KiB per restore."
        )


def backup_of(rows: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "listings": [{"title": t, "description": d} for t, d in rows],
    }


def backup_file(rows: list[tuple[str, str]]) -> bytes:
    """The active stage's backup file of these (title, description) rows."""
    return active(LESSON).dump_backup(backup_of(rows))


def listings_from(backup: Any) -> list[tuple[str, str]]:
    """The (title, description) pairs of a backup, all valid, or BackupError for the first
    problem: nothing is created unless everything is."""
    if not isinstance(backup, dict) or backup.get("format") != FORMAT:
        raise BackupError("This is not a backup of listings from this site.")
    if backup.get("version") != VERSION:
        raise BackupError(f"Unknown backup version {backup.get('version')!r}: expected 1.")
    items = backup.get("listings")
    if not isinstance(items, list) or not items:
        raise BackupError("The backup holds no listings.")
    if len(items) > MAX_LISTINGS:
        raise BackupError(f"Too many listings: at most {MAX_LISTINGS} per restore.")
    pairs = []
    for number, item in enumerate(items, start=1):
        title = item.get("title") if isinstance(item, dict) else None
        description = item.get("description") if isinstance(item, dict) else None
        if not isinstance(title, str) or not title.strip():
            raise BackupError(f"Listing {number} has no title.")
        if not isinstance(description, str) or not description.strip():
            raise BackupError(f"Listing {number} has no description.")
        if len(title.strip()) > TITLE_MAX or len(description.strip()) > DESCRIPTION_MAX:
            raise BackupError(
                f"Listing {number} is too long: titles up to {TITLE_MAX} characters, "
                f"descriptions up to {DESCRIPTION_MAX}."
            )
        if "\x00" in title + description:
            raise BackupError(f"Listing {number} contains a NUL character.")
        pairs.append((title.strip(), description.strip()))
    return pairs


def restore_listings(data: bytes) -> list[tuple[str, str]]:
    """Read ``data`` with the active stage (watched), then check it; BackupError says why."""
    with processes_started() as started:
        try:
            backup = active(LESSON).load_backup(data)
        except BackupError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure to read the file is the file's
            raise BackupError(
                f"The file could not be read: {exc.__class__.__name__}: {str(exc)[:200]}"
            ) from None
        finally:
            if started:
                _solved(data, started[0])
    return listings_from(backup)


def _solved(data: bytes, process: str) -> None:
    yaml_tags = b"!!python/" in data or b"tag:yaml.org,2002:python/" in data
    exploit = "yaml-code-execution" if yaml_tags else "pickle-code-execution"
    solved(LESSON, exploit, f"restoring a backup file started a process: {process}")
