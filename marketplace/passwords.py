"""Password policy and the façade over the weak-password-storage lesson's active scheme."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from functools import cache

from sqlalchemy import delete, insert, update
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from .extensions import db
from .lessons import active
from .models import User

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


def hash_password(password: str) -> str:
    return active("weak-password-storage").hash_password(password)


def check_password(user: User, password: str) -> bool:
    """Verify, and re-hash with the active scheme when the stored one is older."""
    scheme = active("weak-password-storage")
    if not scheme.verify_password(user.password_hash, password):
        return False
    if scheme.needs_rehash(user.password_hash):
        user.password_hash = scheme.hash_password(password)
        db.session.commit()
    return True


def dummy_check(password: str) -> None:
    """Spend the same work as a real check, for a user who does not exist."""
    scheme = active("weak-password-storage")
    scheme.verify_password(_dummy_hash(scheme.__name__), password)


def dummy_signup(email: str) -> None:
    """Spend the same work as creating an account, for an e-mail that already has one.

    A new account costs a password hash, a row written and a commit (a disk flush); a taken
    e-mail that skipped the last two answered measurably faster (issue 9: 1.25 ms at the
    median; tens of ms on a busy disk). So: one verification against the dummy hash (the
    cost of hashing), then one committed write of a row, in as many round trips as the
    INSERT and COMMIT of a new account.
    """
    dummy_check(email)
    if db.engine.dialect.name == "sqlite":
        # SQLite skips rewriting a row with identical bytes (and then the flush), so write
        # a throwaway row and remove it in the same transaction; in-process, the extra
        # statement costs microseconds.
        placeholder = f"{secrets.token_hex(16)}@placeholder.invalid"
        scheme = active("weak-password-storage").__name__
        # Plain statements: the ORM's unit of work would add as much time as it saves.
        db.session.execute(
            insert(User).values(
                full_name="Placeholder", email=placeholder, password_hash=_dummy_hash(scheme)
            )
        )
        db.session.execute(delete(User).where(User.email == placeholder))
    else:
        # PostgreSQL writes a new row version even when nothing changes: one statement,
        # one round trip, like the INSERT (a second one would cost milliseconds under load).
        db.session.execute(
            update(User).where(User.email == email).values(password_hash=User.password_hash)
        )
    db.session.commit()


@cache
def _dummy_hash(scheme_name: str) -> str:
    return active("weak-password-storage").hash_password("dummy password for timing")
