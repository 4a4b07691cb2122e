"""Chapter 10: sensitive data exposure."""

from marketplace.lessons.base import Lesson, Stage

LESSON = Lesson(
    slug="sensitive-data-exposure",
    chapter=10,
    title="Sensitive data exposure",
    seam="Serialising listings and their authors for /api/v1/listings.",
    package=__name__,
    stages=(Stage("allow-list", "10/fix", "An explicit allow-list of fields."),),
    exploits=(),
)
