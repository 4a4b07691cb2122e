"""Chapter 10: sensitive data exposure."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import SensitiveDataExposureSeam

LESSON = Lesson(
    slug="sensitive-data-exposure",
    chapter=10,
    title="Sensitive data exposure",
    seam=SensitiveDataExposureSeam,
    package=__name__,
    stages=(
        Stage(
            "auto-serialize",
            "10/code",
            "Every column and relationship is dumped: hashes, e-mails, session keys.",
        ),
        Stage("allow-list", "10/fix", "An explicit allow-list of fields."),
    ),
    exploits=(
        Exploit(
            "api-leaks-secrets",
            "allow-list",
            exploits.api_leaks_secrets,
            "Read a victim's e-mail, password hash and session key from the public API.",
        ),
        Exploit(
            "hijack-with-leaked-key",
            "allow-list",
            exploits.hijack_with_leaked_key,
            "Put a session key read from the API into a cookie and open the victim's page.",
        ),
    ),
)
