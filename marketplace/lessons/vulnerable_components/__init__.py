"""Chapter 1: using components with known vulnerabilities."""

from marketplace.lessons.base import Lesson, Stage

LESSON = Lesson(
    slug="vulnerable-components",
    chapter=1,
    title="Vulnerable components",
    seam="The requirement set the app is built from (audited, not switched at run time).",
    package=__name__,
    stages=(Stage("audited", "1/fix", "The project's locked dependencies."),),
    exploits=(),
)
