"""The attacker's side of a breach: crack a dump of e-mails and stored password hashes.

Two attacks, both bounded:

* :func:`dictionary_attack` tries a list of common passwords, most common first, within a
  time budget. Unsalted formats cost one computation per guess for *every* account at
  once; salted formats (bcrypt, argon2id) cost one computation per guess *per account*,
  so the attack goes word by word across the accounts.
* :func:`lookup_attack` uses a precomputed SHA-256 → password table
  (:func:`lookup_table`, built once and cached on disk): cracking is a dictionary lookup
  per account, with no hashing at all. A salt makes such a table useless.

Both report, per scheme, the guesses made, the time spent and the guesses per second;
:func:`measure_rates` measures that speed for each scheme on this machine (with
:func:`guesses_per_second`, which the bench uses too).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import formats

# The dump's reader lives in dump.py; these names stay importable from here.
from .dump import DUMP_FORMAT as DUMP_FORMAT
from .dump import SALTED_SHA256, SALTED_SHA256_SHAPE
from .dump import DumpError as DumpError
from .dump import Entry as Entry
from .dump import dump_document as dump_document
from .dump import load_dump as load_dump
from .dump import parse_dump as parse_dump

UNSALTED = ("plaintext", "sha256")
SALTED = ("bcrypt", "argon2id")


def default_wordlist() -> tuple[str, ...]:
    """The common-password list that also backs the signup policy (zxcvbn's)."""
    from marketplace.passwords import ranked_common_passwords

    return ranked_common_passwords()


def load_wordlist(path: Path) -> list[str]:
    """One password per line, in order; blank lines and repeats are skipped."""
    seen: dict[str, None] = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            word = line.rstrip("\r\n")
            if word:
                seen.setdefault(word, None)
    return list(seen)


@dataclass
class Crack:
    email: str
    password: str
    scheme: str
    seconds: float  # since the attack started


@dataclass
class SchemeStats:
    scheme: str
    entries: int = 0
    guesses: int = 0
    seconds: float = 0.0
    cracked: int = 0

    @property
    def rate(self) -> float:
        return self.guesses / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Report:
    """What an attack did: per scheme, and the accounts it cracked."""

    method: str
    budget: float | None = None
    seconds: float = 0.0
    exhausted: bool = False  # the budget ran out before the list did
    stats: dict[str, SchemeStats] = field(default_factory=dict)
    cracked: list[Crack] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def scheme(self, name: str) -> SchemeStats:
        return self.stats.setdefault(name, SchemeStats(name))

    def lines(self) -> list[str]:
        """Readable evidence, one line per scheme."""
        out = []
        what = "lookups" if self.method == "lookup" else "guesses"
        for stats in self.stats.values():
            rate = f"{stats.rate:,.0f} {what}/s" if stats.guesses else f"no {what}"
            out.append(
                f"{stats.scheme}: {stats.entries} account(s), {stats.guesses:,} {what} in "
                f"{stats.seconds:.3f} s ({rate}), {stats.cracked} cracked"
            )
        return out + self.notes


def _group(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.scheme, []).append(entry)
    return groups


def _unsalted_key(scheme: str, word: str) -> str:
    return word if scheme == "plaintext" else formats.sha256_hex(word)


def _stored_key(entry: Entry) -> str:
    marker = formats.PLAIN if entry.scheme == "plaintext" else formats.SHA256
    return entry.stored[len(marker) :]


def dictionary_attack(
    entries: Sequence[Entry],
    words: Sequence[str],
    budget: float,
    on_guesses: Callable[[int], None] | None = None,
    on_crack: Callable[[Crack], None] | None = None,
) -> Report:
    """Try ``words`` in order against every entry until cracked, the list ends, or time's up.

    Cheap schemes first: an attacker spends the budget where it pays most.
    """
    report = Report("dictionary", budget=budget)
    started = time.perf_counter()
    deadline = started + budget
    groups = _group(entries)

    def crack(entry: Entry, word: str) -> None:
        found = Crack(entry.email, word, entry.scheme, time.perf_counter() - started)
        report.cracked.append(found)
        report.scheme(entry.scheme).cracked += 1
        if on_crack:
            on_crack(found)

    # Cheapest first; a salted SHA-256 costs one fast hash per guess and account.
    for scheme in ("plaintext", "sha256", SALTED_SHA256, "bcrypt", "argon2id"):
        group = groups.get(scheme)
        if not group:
            continue
        stats = report.scheme(scheme)
        stats.entries = len(group)
        begun = time.perf_counter()
        if scheme in UNSALTED:
            # One computation per guess tests every account at once: no salt.
            wanted: dict[str, list[Entry]] = {}
            for entry in group:
                wanted.setdefault(_stored_key(entry), []).append(entry)
            guesses = _unsalted_guesses(scheme, words, wanted, deadline, on_guesses, stats)
            for found, word in guesses:
                for entry in found:
                    crack(entry, word)
            report.exhausted = stats.guesses < len(words) and bool(wanted)
        else:
            # Salted: every guess must be computed again for every account.
            remaining = list(group)
            verify = _salted_sha256 if scheme == SALTED_SHA256 else formats.verify
            for word in words:
                for entry in list(remaining):
                    if time.perf_counter() > deadline:
                        report.exhausted = True
                        break
                    stats.guesses += 1
                    if on_guesses:
                        on_guesses(1)
                    if verify(entry.stored, word):
                        remaining.remove(entry)
                        crack(entry, word)
                if report.exhausted or not remaining:
                    break
            if remaining and stats.guesses:
                per_guess = (time.perf_counter() - begun) / stats.guesses
                whole = per_guess * len(words) * len(remaining)
                report.notes.append(
                    f"{scheme}: trying the whole list of {len(words):,} against the "
                    f"{len(remaining)} uncracked account(s) would take about {_duration(whole)} "
                    "on this machine"
                )
        stats.seconds = time.perf_counter() - begun
        if report.exhausted:
            break
    unknown = groups.get("unknown")
    if unknown:
        report.notes.append(f"{len(unknown)} entries in an unknown format were skipped")
    report.seconds = time.perf_counter() - started
    return report


def _salted_sha256(stored: str, word: str) -> bool:
    """sha256(salt + password) or sha256(password + salt): the two usual home-made recipes."""
    salt, digest = SALTED_SHA256_SHAPE.fullmatch(stored).groups()
    return digest in (formats.sha256_hex(salt + word), formats.sha256_hex(word + salt))


CHUNK = 512  # guesses between two looks at the clock


def _unsalted_guesses(scheme, words, wanted, deadline, on_guesses, stats):
    """Yield ``(entries, word)`` per cracking guess: a chunk hashed by a local ``sha256``,
    the clock read once a chunk, so SHA-256 runs about as fast as hashlib allows. The
    stored hex digests are compared as raw bytes: ``digest()`` skips making a 64-character
    string per guess, which ``hexdigest()`` costs."""
    sha256, plain = hashlib.sha256, scheme == "plaintext"
    digests = set() if plain else _raw_digests(wanted)
    for start in range(0, len(words), CHUNK):
        if on_guesses and start:
            on_guesses(CHUNK)
        if time.perf_counter() > deadline:
            return
        chunk = words[start : start + CHUNK]
        if plain:
            hits = [w for w in chunk if w in wanted]
        else:
            hits = [w for w in chunk if sha256(w.encode()).digest() in digests]
        for word in hits:  # rare: hash the word again rather than keep every digest
            if found := wanted.pop(_unsalted_key(scheme, word), None):
                yield found, word
            if not wanted:  # every account cracked: count up to this guess only
                stats.guesses += chunk.index(word) + 1
                return
        stats.guesses += len(chunk)


def _raw_digests(wanted: dict[str, list]) -> set[bytes]:
    raw = set()
    for key in wanted:
        try:
            raw.add(bytes.fromhex(key))
        except ValueError:  # not a hex digest: no guess can match it
            continue
    return raw


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:,.0f} {unit}"
    return f"{seconds:,.1f} seconds"


# The lookup table ------------------------------------------------------------------


@dataclass
class LookupTable:
    table: dict[str, str]
    path: Path
    built_now: bool
    seconds: float  # to build it, or to load it from the cache

    def summary(self) -> str:
        if self.built_now:
            rate = len(self.table) / self.seconds if self.seconds else 0
            return (
                f"built a SHA-256 table of {len(self.table):,} passwords in {self.seconds:.3f} s "
                f"({rate:,.0f} hashes/s), cached at {self.path}"
            )
        return (
            f"loaded the precomputed SHA-256 table of {len(self.table):,} passwords from "
            f"{self.path} in {self.seconds:.3f} s"
        )


def cache_dir() -> Path:
    """Where tables are kept: $MARKETPLACE_CRACK_CACHE, else the user's cache folder."""
    configured = os.environ.get("MARKETPLACE_CRACK_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "marketplace"


def lookup_table(words: Sequence[str], folder: Path | None = None) -> LookupTable:
    """The SHA-256 → password table of ``words``: loaded from disk, or built once and saved."""
    folder = Path(folder) if folder is not None else cache_dir()
    fingerprint = hashlib.sha256("\n".join(words).encode()).hexdigest()[:16]
    path = folder / f"sha256-{fingerprint}.tsv"
    started = time.perf_counter()
    if path.exists():
        table = {}
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                digest, _, word = line.rstrip("\n").partition("\t")
                table[digest] = word
        if table:
            return LookupTable(table, path, False, time.perf_counter() - started)
    table = {}
    for word in words:
        table.setdefault(formats.sha256_hex(word), word)
    seconds = time.perf_counter() - started
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    with open(partial, "w", encoding="utf-8") as fh:
        fh.writelines(f"{digest}\t{word}\n" for digest, word in table.items())
    partial.replace(path)  # atomic: a concurrent reader sees the old file or the whole new one
    return LookupTable(table, path, True, seconds)


def lookup_attack(
    entries: Sequence[Entry], table: LookupTable, on_crack: Callable[[Crack], None] | None = None
) -> Report:
    """Crack by lookup: plaintext is read, unsalted SHA-256 looked up, salted ones skipped."""
    report = Report("lookup")
    started = time.perf_counter()
    for scheme, group in _group(entries).items():
        stats = report.scheme(scheme)
        stats.entries = len(group)
        begun = time.perf_counter()
        for entry in group:
            if scheme == "plaintext":
                password: str | None = _stored_key(entry)
            elif scheme == "sha256":
                stats.guesses += 1  # one lookup
                password = table.table.get(_stored_key(entry))
            else:
                password = None
            if password is not None:
                found = Crack(entry.email, password, scheme, time.perf_counter() - started)
                report.cracked.append(found)
                stats.cracked += 1
                if on_crack:
                    on_crack(found)
        stats.seconds = time.perf_counter() - begun
        if scheme in SALTED:
            report.notes.append(
                f"{scheme}: {len(group)} salted hash(es): a precomputed table cannot match them"
            )
        elif scheme == "plaintext":
            report.notes.append(f"plaintext: {len(group)} password(s) read, no table needed")
        elif scheme == "unknown":
            report.notes.append(f"{len(group)} entries in an unknown format were skipped")
    report.seconds = time.perf_counter() - started
    return report


# Guesses per second, measured here ----------------------------------------------------


def guesses_per_second(
    check: Callable[[str], object],
    seconds: float,
    minimum: int = 2,
    words: Sequence[str] = (),
    batch: int = 1,
) -> tuple[float, int]:
    """Call ``check(word)`` for about ``seconds`` (at least ``minimum`` calls), cycling
    through ``words`` (default: wrong guesses ``guess-<n>``), and look at the clock every
    ``batch`` calls; returns (guesses per second, guesses made). The bench calls this too.
    """
    count, started = 0, time.perf_counter()
    while True:
        for _ in range(batch):
            check(words[count % len(words)] if words else f"guess-{count}")
            count += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds and count >= minimum:
            return count / elapsed, count


def measure_rates(seconds: float = 0.25, minimum: int = 2) -> dict[str, float]:
    """Guesses per second for each scheme, on this machine, with the stages' own parameters.

    For each scheme, one hash is made by the stage's ``hash_password`` and wrong guesses
    are checked against it for about ``seconds`` (at least ``minimum`` guesses).
    Unsalted schemes are measured as an attacker uses them: one computation per guess.
    """
    from marketplace.lessons import get_lesson

    lesson = get_lesson("weak-password-storage")
    rates = {}
    for scheme in formats.SCHEMES:
        stored = lesson.module(scheme).hash_password("correct horse battery staple")
        entry = Entry("bench@example.com", stored)
        if scheme in UNSALTED:
            target = _stored_key(entry)

            def guess(word: str, scheme: str = scheme, target: str = target) -> bool:
                return _unsalted_key(scheme, word) == target
        else:

            def guess(word: str, stored: str = stored) -> bool:
                return formats.verify(stored, word)

        batch = 1 if scheme in SALTED else 1000
        rates[scheme] = guesses_per_second(guess, seconds, minimum, batch=batch)[0]
    return rates
