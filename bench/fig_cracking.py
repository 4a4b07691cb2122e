"""Figure 4: the SHA-256 stage's dictionary attack against a bare ``hashlib`` loop.

The attack is the lesson's own ``crack.dictionary_attack`` on a dump of one account whose
password is not in the list, so every word is tried; the baseline is the tightest loop
hashlib allows (``sha256(word.encode()).hexdigest() == target``). Both run on one core,
in-process, alternating, over zxcvbn's common-password list. The other stages' guesses
per second (through their own ``verify_password``) show what slow hashing buys.
"""

from __future__ import annotations

import hashlib
import secrets
import statistics
import time

from .servers import log

GOAL = 0.7


def _bare_rate(words: list[str], target: str) -> float:
    sha256 = hashlib.sha256
    started = time.perf_counter()
    for word in words:
        sha256(word.encode()).hexdigest() == target  # noqa: B015 - the comparison is the work
    return len(words) / (time.perf_counter() - started)


def _verify_rate(module, stored: str, words: list[str], budget: float) -> tuple[float, int]:
    tried, started = 0, time.perf_counter()
    for word in words:
        module.verify_password(stored, word)
        tried += 1
        if tried % 16 == 0 and time.perf_counter() - started > budget:
            break
    return tried / (time.perf_counter() - started), tried


def measure(cfg) -> dict:
    log("\n[4] Dictionary attack: the SHA-256 stage vs a bare hashlib loop")
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    from marketplace.lessons import get_lesson
    from marketplace.lessons.weak_password_storage import crack

    words = list(FREQUENCY_LISTS["passwords"])
    secret = "not-in-any-wordlist-" + secrets.token_hex(4)  # every guess must be tried
    lesson = get_lesson("weak-password-storage")
    entry = crack.Entry("bench@example.com", lesson.module("sha256").hash_password(secret))
    target = hashlib.sha256(secret.encode()).hexdigest()
    bare, attack = [], []
    for _ in range(cfg.crack_runs):
        bare.append(_bare_rate(words, target))
        result = crack.dictionary_attack([entry], words, budget=60)
        attack.append(result.stats["sha256"].rate)
    others = {}
    for stage in ("plaintext", "bcrypt", "argon2id"):
        module = lesson.module(stage)
        others[stage] = _verify_rate(module, module.hash_password(secret), words, cfg.crack_budget)
    ratio = statistics.median(attack) / statistics.median(bare)
    log(
        f"  bare {statistics.median(bare):,.0f}/s, attack {statistics.median(attack):,.0f}/s: "
        f"ratio {ratio:.2f}"
    )
    return {"bare": bare, "attack": attack, "others": others, "wordlist": len(words)}


def report(cfg, result: dict | None) -> list[str]:
    lines = ["## 4. Cracking: the SHA-256 stage's dictionary attack", ""]
    if not result:
        return lines + ["Not measured in this run.", ""]
    base = statistics.median(result["bare"])

    def spread(values):
        return f"{min(values):,.0f}–{max(values):,.0f}"

    attack = statistics.median(result["attack"])
    lines += [
        f"Wordlist: zxcvbn's {result['wordlist']:,} common passwords, none of them the "
        f"password, so each run tries them all; {len(result['bare'])} runs each, alternating.",
        "",
        "| loop | median guesses/s | spread | ratio to bare hashlib |",
        "|---|---:|---|---:|",
        f"| bare hashlib sha256 loop (baseline) | {base:,.0f} | {spread(result['bare'])} | 1.00 |",
        f"| `crack.dictionary_attack` on the sha256 stage's hash | {attack:,.0f} | "
        f"{spread(result['attack'])} | {attack / base:.2f} |",
        "",
        f"Goal ≥ {GOAL}. The other stages, one guess at a time through `verify_password` "
        f"({cfg.crack_budget:g} s each):",
        "",
        "| stage | guesses/s | ratio to bare hashlib | tried |",
        "|---|---:|---:|---:|",
    ]
    for stage, (rate, tried) in result["others"].items():
        lines.append(f"| {stage} | {rate:,.1f} | {rate / base:.2e} | {tried:,} |")
    return lines + [""]
