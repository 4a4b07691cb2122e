"""CTF flags and the CTFd export: a workshop's learners each run their own lab.

A flag is an HMAC-SHA256 of the challenge key ``lesson/exploit`` under the trainer's
secret ``MARKETPLACE_CTF_KEY``: every instance started with the same secret shows the
same flag for the same challenge, and nobody can compute one without the secret (the
exported file holds the flags, so it stays with the trainer and the CTFd server).

The export is CTFd's challenge CSV (Admin, Config, Backup, Import CSV, "Challenges"):
CTFd reads it with ``csv.DictReader``; ``flags``, ``tags`` and ``hints`` are lists split
at commas; ``type`` picks the challenge plugin; the other columns become the challenge
row (``name``, ``category``, ``description``, ``value``, ``state``).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass

from . import Challenge, lesson_challenges

CTF_KEY_VARIABLE = "MARKETPLACE_CTF_KEY"
ACRONYMS = {"api": "API", "csrf": "CSRF", "sql": "SQL", "xss": "XSS", "xxe": "XXE"}
FLAG_PREFIX = "MP"
# Points per difficulty (stars): harder challenges are worth disproportionately more.
POINTS = {1: 100, 2: 250, 3: 500}
# The columns CTFd's load_challenges_csv reads: its list columns, then challenge fields.
CTFD_COLUMNS = (
    "name",
    "category",
    "description",
    "value",
    "type",
    "state",
    "flags",
    "tags",
    "hints",
)
# CTFd splits hints, tags and flags at every comma: a comma inside a hint would cut it in
# two. The Arabic comma (U+060C) reads much the same and survives the split.
CTFD_COMMA_STANDIN = "\u060c"


class MissingCtfKey(RuntimeError):
    """No ``MARKETPLACE_CTF_KEY``: flags cannot be computed."""


def ctf_key(environ: dict[str, str] | None = None) -> str | None:
    """The trainer's secret from the environment, or None when it is unset or blank."""
    value = (environ if environ is not None else os.environ).get(CTF_KEY_VARIABLE, "")
    return value or None


def flag(key: str, lesson: str, exploit: str) -> str:
    """The flag of challenge ``(lesson, exploit)`` under the secret ``key``: ``MP{<hex>}``."""
    if not key:
        raise MissingCtfKey(f"{CTF_KEY_VARIABLE} is empty: a flag needs the trainer's secret")
    digest = hmac.new(key.encode(), f"{lesson}/{exploit}".encode(), hashlib.sha256).hexdigest()
    return f"{FLAG_PREFIX}{{{digest}}}"


@dataclass(frozen=True)
class CtfChallenge:
    lesson_slug: str
    lesson_title: str
    challenge: Challenge
    flag: str

    @property
    def name(self) -> str:
        """A name unique across the export: exploit names are unique in the catalogue."""
        words = [ACRONYMS.get(word, word) for word in self.challenge.exploit.split("-")]
        return " ".join(words)[:1].upper() + " ".join(words)[1:]

    @property
    def value(self) -> int:
        return POINTS[self.challenge.difficulty]


def ctf_challenges(key: str, lessons: Iterable) -> list[CtfChallenge]:
    """Every challenge of ``lessons`` (the registry's, in catalogue order), with its flag."""
    return [
        CtfChallenge(
            lesson.slug, lesson.title, challenge, flag(key, lesson.slug, challenge.exploit)
        )
        for lesson in lessons
        for challenge in lesson_challenges(lesson)
    ]


def _ctfd_list_item(text: str) -> str:
    return " ".join(text.replace(",", CTFD_COMMA_STANDIN).split())


def ctfd_csv(challenges: Iterable[CtfChallenge]) -> str:
    """CTFd's challenge CSV for ``challenges`` (one row each, header first)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CTFD_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in challenges:
        stars = "\u2605" * item.challenge.difficulty
        writer.writerow(
            {
                "name": item.name,
                "category": item.lesson_title,
                "description": f"{item.challenge.goal}\n\nDifficulty: {stars}",
                "value": item.value,
                "type": "standard",
                "state": "visible",
                "flags": item.flag,
                "tags": _ctfd_list_item(item.lesson_slug),
                "hints": ",".join(_ctfd_list_item(hint) for hint in item.challenge.hints),
            }
        )
    return out.getvalue()
