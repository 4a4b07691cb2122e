"""The breach's dump: a JSON document of e-mails and stored password values.

``marketplace dump-users`` and the lab's breach page write it (:func:`dump_document`);
the crackers in ``crack.py`` read it (:func:`load_dump`, :func:`parse_dump`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import formats

# Not one of the lesson's formats: ``<marker>$<salt>$<64 hex digits>``, what a home-made
# "salted SHA-256" fix stores. A salt stops lookup tables; it does not slow guessing.
SALTED_SHA256 = "salted-sha256"
SALTED_SHA256_SHAPE = re.compile(r"[A-Za-z0-9_-]*\$([^$]{1,64})\$([0-9a-f]{64})")

DUMP_FORMAT = "marketplace-users-dump/1"


class DumpError(ValueError):
    """The dump cannot be read; the message says why."""


@dataclass(frozen=True)
class Entry:
    """One row of the breach: an e-mail and the stored password value."""

    email: str
    stored: str

    @property
    def scheme(self) -> str:
        """The lesson's format by its marker; else a salted fast hash an attacker recognises
        by its shape (hashcat's modes 1410/1420); else "unknown"."""
        if known := formats.scheme_of(self.stored):
            return known
        return SALTED_SHA256 if SALTED_SHA256_SHAPE.fullmatch(self.stored) else "unknown"


def dump_document(
    rows: Iterable[tuple[str, str]], victims: Sequence[str] = (), note: str = ""
) -> dict:
    """The dump as JSON-ready data (what ``dump-users`` writes and the lab serves)."""
    return {
        "format": DUMP_FORMAT,
        **({"note": note} if note else {}),
        "users": [{"email": email, "password_hash": stored} for email, stored in rows],
        "victims": list(victims),
    }


def parse_dump(document: Any) -> list[Entry]:
    if not isinstance(document, dict) or not isinstance(document.get("users"), list):
        raise DumpError('a dump is a JSON object with a "users" list (see dump-users)')
    entries = []
    for number, row in enumerate(document["users"], start=1):
        if not isinstance(row, dict) or not all(
            isinstance(row.get(k), str) for k in ("email", "password_hash")
        ):
            raise DumpError(f'user {number}: expected "email" and "password_hash" strings')
        entries.append(Entry(row["email"], row["password_hash"]))
    return entries


def load_dump(path: Path) -> list[Entry]:
    try:
        return parse_dump(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DumpError(f"{path}: {exc}") from None
