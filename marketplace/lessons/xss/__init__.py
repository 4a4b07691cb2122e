"""Chapter 7: cross-site scripting."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import XssSeam

LESSON = Lesson(
    slug="xss",
    chapter=7,
    title="Cross-site scripting (XSS)",
    seam=XssSeam,
    package=__name__,
    stages=(
        Stage("unquoted-attribute", "7/code", "The full name goes into an unquoted attribute."),
        Stage("quoted-attribute", "7/fix", "The attribute is quoted (and escaped)."),
        Stage("content-security-policy", "beyond", "Quoted attribute plus a strict CSP."),
    ),
    exploits=(
        Exploit(
            "attribute-injection",
            "quoted-attribute",
            exploits.attribute_injection,
            "A full name with a space adds an onmouseover handler; hovering opens a dialog.",
            needs_browser=True,
        ),
    ),
)
