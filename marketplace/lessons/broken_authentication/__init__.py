"""Chapter 4: broken authentication."""

from marketplace.lessons.base import Lesson, Stage

LESSON = Lesson(
    slug="broken-authentication",
    chapter=4,
    title="Broken authentication",
    seam="The login failure path: what a failed login says, how long it takes, how often.",
    package=__name__,
    stages=(Stage("hardened", "beyond", "Generic message, dummy-hash work, throttling."),),
    exploits=(),
)
