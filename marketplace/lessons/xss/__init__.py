"""Chapter 7: cross-site scripting."""

from marketplace.lessons.base import Lesson, Stage

LESSON = Lesson(
    slug="xss",
    chapter=7,
    title="Cross-site scripting (XSS)",
    seam="The profile edit template's full-name input, and the Content-Security-Policy.",
    package=__name__,
    stages=(Stage("content-security-policy", "beyond", "Quoted attribute plus a strict CSP."),),
    exploits=(),
)
