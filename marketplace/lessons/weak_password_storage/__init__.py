"""Chapter 3: weak password storage."""

from marketplace.lessons.base import Lesson, Stage

LESSON = Lesson(
    slug="weak-password-storage",
    chapter=3,
    title="Weak password storage",
    seam="Hashing a password and verifying it at login.",
    package=__name__,
    stages=(Stage("argon2id", "beyond", "Argon2id with OWASP parameters; older hashes upgraded."),),
    exploits=(),
)
