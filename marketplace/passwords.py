"""The password policy (a service below the lessons): length bounds and common passwords.

Hashing and verifying go through the web-layer façade over the weak-password-storage
lesson's active stage, ``password_storage.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 8
MAX_LENGTH = 128  # hashing a megabyte of "password" is a denial of service, not security
# zxcvbn's score: 0 too guessable ... 4 very unguessable; 3 resists an offline attack on a
# slow hash for a long while ("safely unguessable: moderate protection").
MIN_SCORE = 3
# zxcvbn's matching grows faster than linearly (0.25 s for 128 characters): score a prefix.
# Characters beyond it only add strength, so the verdict on the prefix is a lower bound.
SCORED_LENGTH = 64


@cache
def ranked_common_passwords() -> tuple[str, ...]:
    """30,000 common passwords from zxcvbn's frequency list (a maintained package),
    most common first: the signup policy refuses them, the cracking lesson tries them."""
    return tuple(FREQUENCY_LISTS["passwords"])


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(ranked_common_passwords())


def personal_words(*values: str | None) -> list[str]:
    """What an attacker aiming at this user tries first: the e-mail, the name and their parts."""
    words: list[str] = []
    for value in values:
        value = (value or "").strip().lower()
        parts = [part for part in re.split(r"[\s@._+-]+", value) if len(part) > 2]
        local = value.partition("@")[0]
        for word in (value, re.sub(r"[\s._+-]+", "", local), *parts):
            if word and word not in words:  # zxcvbn ranks inputs by position: no repeats
                words.append(word)
    return words


def policy_errors(password: str, user_inputs: Iterable[str] = ()) -> list[str]:
    """Why ``password`` is refused (empty when it is accepted); zxcvbn's advice included."""
    errors = []
    if len(password) < MIN_LENGTH:
        errors.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        errors.append(f"Use at most {MAX_LENGTH} characters.")
    if password.lower() in common_passwords():
        errors.append("This password is on a list of common passwords; choose another.")
    if errors:
        return errors
    # FIX (issue 9): "aaaaaaaa", "password123!" or one's own e-mail pass every rule above.
    result = zxcvbn(password[:SCORED_LENGTH], user_inputs=list(user_inputs))
    if result["score"] < MIN_SCORE:
        feedback = result["feedback"]
        errors.append(
            f"This password is too easy to guess (strength {result['score']} of 4, "
            f"at least {MIN_SCORE} needed)."
        )
        if feedback["warning"]:
            errors.append(feedback["warning"])
        errors.extend(feedback["suggestions"] or ["Add another word or two."])
    return errors
