"""Chapter 2: SQL injection."""

from marketplace.lessons.base import Lesson, Stage

LESSON = Lesson(
    slug="sql-injection",
    chapter=2,
    title="SQL injection",
    seam="Creating a listing and searching listings (/listings/?q=).",
    package=__name__,
    stages=(Stage("orm", "2.3/fix", "SQLAlchemy expressions; values are always parameters."),),
    exploits=(),
)
