"""Chapter 3: weak password storage."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .commands import crack_command, dump_users_command
from .lab import bp
from .seam import WeakPasswordStorageSeam

LESSON = Lesson(
    slug="weak-password-storage",
    chapter=3,
    title="Weak password storage",
    seam=WeakPasswordStorageSeam,
    package=__name__,
    stages=(
        Stage("plaintext", "3.1/code", "The password itself is stored."),
        Stage("sha256", "3.1/fix", "Unsalted SHA-256 of the password: fast to guess."),
        Stage("bcrypt", "3.2/fix", "bcrypt, cost 12: salted and slow."),
        Stage(
            "argon2id", "beyond", "Argon2id with OWASP parameters; older hashes upgraded at login."
        ),
    ),
    exploits=(
        Exploit(
            "read-plaintext",
            "sha256",
            exploits.read_plaintext,
            "Read the passwords straight out of a dump of the users table.",
        ),
        Exploit(
            "lookup-table-crack",
            "bcrypt",
            exploits.lookup_table_crack,
            "Crack the dump at once with a precomputed SHA-256 → password table.",
        ),
        Exploit(
            "dictionary-crack",
            "bcrypt",
            exploits.dictionary_crack,
            f"Try 30,000 common passwords against the dump within "
            f"{exploits.DICTIONARY_BUDGET:g} s.",
        ),
    ),
    commands=(dump_users_command, crack_command),
    lab_blueprint=bp,
    lab_links=(
        ("The breach: the users table as stolen", "breach"),
        ("Guesses per second for each scheme, measured here", "speeds"),
        (
            "The challenge breach: two victims whose passwords nobody is told",
            "challenge-breach.json",
        ),
    ),
)
