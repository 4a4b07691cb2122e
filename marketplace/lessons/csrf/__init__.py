"""Chapter 6: cross-site request forgery."""

from marketplace.lessons.base import Lesson, Stage

LESSON = Lesson(
    slug="csrf",
    chapter=6,
    title="Cross-site request forgery (CSRF)",
    seam="Protecting the listing forms: CSRF token and Origin check.",
    package=__name__,
    stages=(Stage("csrf-token", "6/fix", "Flask-WTF CSRF token plus an Origin/Referer check."),),
    exploits=(),
)
