"""Chapter 8: broken access control."""

from marketplace.lessons.base import Lesson, Stage

LESSON = Lesson(
    slug="broken-access-control",
    chapter=8,
    title="Broken access control",
    seam="Loading a listing for edit and delete.",
    package=__name__,
    stages=(Stage("owner-check", "8/fix", "Only the author's own listing is found."),),
    exploits=(),
)
