"""Chapter 15: open redirect (``/user/login?next=``)."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import OpenRedirectSeam

LESSON = Lesson(
    slug="open-redirect",
    chapter=15,
    title="Open redirect",
    seam=OpenRedirectSeam,
    package=__name__,
    stages=(
        Stage("any-url", "beyond", "After login, redirect to whatever next says."),
        Stage("starts-with-slash", "beyond", "next must start with /: //host still does."),
        Stage(
            "same-origin-path",
            "beyond",
            "Only a path on this site: no scheme, no host, no // or backslash, decoded too.",
        ),
    ),
    exploits=(
        Exploit(
            "absolute-url-redirect",
            "starts-with-slash",
            exploits.absolute_url_redirect,
            "A login link with next=http://attacker/ lands the victim on the attacker's page.",
            needs_browser=True,
        ),
        Exploit(
            "scheme-relative-redirect",
            "same-origin-path",
            exploits.scheme_relative_redirect,
            "next=//attacker/ (or /\\attacker/) starts with / and still leaves the site.",
            needs_browser=True,
        ),
    ),
)
