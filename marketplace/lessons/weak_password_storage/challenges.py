"""Challenges of chapter 3, and their detector: a login with a password the lab never gave.

The rule (the lesson text's "Challenge" section says it): the lab's challenge breach
(``/lab/weak-password-storage/challenge-breach.json``) holds two victims of its own whose
passwords are common words picked at random and shown nowhere: one from the most common
200, one from deeper in the list (ranks 2,000 to 10,000). Each time the breach is served,
the lab notes how each victim's value was stored (its format marker). A login that
succeeds as such a victim then solves:

- ``lookup-table-crack`` (the common one) or ``dictionary-crack`` (the deeper one), when
  the breach held that victim's value in a fast format (plain text or unsalted SHA-256);
- ``read-plaintext`` as well, when the breach held it in plain text.

A value stored with bcrypt or argon2id solves nothing (a learner with days to spare could
crack it, but the fixed stages are about making that impractical). Ordinary use never
logs in as these victims: nobody is told their passwords.
"""

from __future__ import annotations

import secrets
import threading

from flask import request, request_finished

from marketplace.challenges import Challenge, lab_memory, solved
from marketplace.challenges.accounts import challenge_email, set_account
from marketplace.challenges.hooks import form_field
from marketplace.models import User
from marketplace.password_storage import hash_password
from marketplace.passwords import ranked_common_passwords

from . import formats

LESSON = "weak-password-storage"
FAST = ("plaintext", "sha256")
# victim e-mail -> (the challenge its login solves, the ranks its password is picked from)
VICTIMS = {
    challenge_email("breach-common"): ("lookup-table-crack", (0, 200)),
    challenge_email("breach-deeper"): ("dictionary-crack", (2000, 10000)),
}
DONE = (302, 303)

_lock = threading.Lock()


def _served() -> dict[str, str]:
    """Victim e-mail -> the format the last challenge breach showed (per app, in memory)."""
    return lab_memory("challenge-breach")


CHALLENGES = (
    Challenge(
        exploit="read-plaintext",
        goal="Log in as a victim of the challenge breach using only what the breach shows.",
        difficulty=1,
        hints=(
            "Open the challenge breach from this lesson's lab page and read it closely.",
            "At some stages the stored value is no secret at all.",
            "At the plaintext stage, log in as breach-common@challenge.example.com with the "
            "value after 'plain$'.",
        ),
    ),
    Challenge(
        exploit="lookup-table-crack",
        goal="Log in as breach-common@challenge.example.com, whose password the breach "
        "only holds as a hash.",
        difficulty=2,
        hints=(
            "People pick the same passwords; someone has hashed them all before you.",
            "An unsalted SHA-256 of a common word can be looked up, not cracked.",
            "Hash the most common passwords (marketplace crack, or a few lines of "
            "Python with hashlib) and compare with the breach at the sha256 stage.",
        ),
    ),
    Challenge(
        exploit="dictionary-crack",
        goal="Log in as breach-deeper@challenge.example.com, whose password the breach "
        "only holds as a hash.",
        difficulty=3,
        hints=(
            "Its password is common, just not among the very most common.",
            "A fast hash lets you try tens of thousands of words in a second.",
            "At the sha256 stage, hash every word of a 30,000-word common list "
            "(zxcvbn's, as marketplace crack uses) until one matches.",
        ),
    ),
)


def _fresh_password(ranks: tuple[int, int]) -> str:
    words = ranked_common_passwords()
    low, high = ranks
    return words[low + secrets.randbelow(min(high, len(words)) - low)]


def challenge_breach() -> dict:
    """Re-create the victims with new passwords stored by the active stage; their dump."""
    users = []
    for email, (_exploit, ranks) in VICTIMS.items():
        user = set_account(email, "Breach Victim", hash_password(_fresh_password(ranks)))
        users.append({"email": user.email, "password_hash": user.password_hash})
        with _lock:
            _served()[email] = formats.scheme_of(user.password_hash) or "unknown"
    return {
        "note": "The challenge breach: two victims of the lab's own; new passwords each time "
        "it is served (stored by the active stage).",
        "users": users,
    }


def watch(sender, response, **_extra) -> None:
    """``request_finished``: a login that went through as a challenge victim."""
    if request.endpoint != "user.login" or request.method != "POST":
        return
    if response.status_code not in DONE or "/user/login" in (response.location or ""):
        return
    email = User.normalise_email(form_field("email"))
    if email not in VICTIMS:
        return
    with _lock:
        shown = _served().get(email)
    if shown in FAST:
        exploit = VICTIMS[email][0]
        solved(LESSON, exploit, f"logged in as {email}, whose password the breach held as {shown}")
    if shown == "plaintext":
        solved(LESSON, "read-plaintext", f"logged in as {email} with the breach's plain text")


def install(app) -> None:
    request_finished.connect(watch, app, weak=False)
