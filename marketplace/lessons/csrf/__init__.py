"""Chapter 6: cross-site request forgery."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import CsrfSeam

LESSON = Lesson(
    slug="csrf",
    chapter=6,
    title="Cross-site request forgery (CSRF)",
    seam=CsrfSeam,
    package=__name__,
    stages=(
        Stage("no-token", "6/code", "The listing forms are protected by authentication alone."),
        Stage("csrf-token", "6/fix", "Flask-WTF CSRF token plus an Origin/Referer check."),
    ),
    exploits=(
        Exploit(
            "cross-origin-form-post",
            "csrf-token",
            exploits.cross_origin_form_post,
            "A page on another origin auto-submits the listing form in the victim's browser.",
            needs_browser=True,
        ),
    ),
)
