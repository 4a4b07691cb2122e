"""Chapter 9: XML external entities."""

from marketplace.lessons.base import Lesson, Stage

LESSON = Lesson(
    slug="xxe",
    chapter=9,
    title="XML external entities (XXE)",
    seam="Parsing the XML bulk upload of listings.",
    package=__name__,
    stages=(Stage("defused", "9/fix", "defusedxml, no DTDs, bounded size."),),
    exploits=(),
)
