"""Chapter 16: server-side request forgery (beyond the course)."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import SsrfSeam

LESSON = Lesson(
    slug="ssrf",
    chapter=16,
    title="Server-side request forgery (SSRF)",
    seam=SsrfSeam,
    package=__name__,
    stages=(
        Stage("fetch-any-url", "beyond", "The photo URL is fetched, whatever it names."),
        Stage("host-blocklist", "beyond", 'The host names "localhost" and "127.0.0.1" refused.'),
        Stage(
            "resolved-address-check",
            "beyond",
            "Resolved addresses checked, pinned, every redirect re-checked, all bounded.",
        ),
    ),
    exploits=(
        Exploit(
            "internal-service-read",
            "host-blocklist",
            exploits.internal_service_read,
            "A loopback-only service's answer becomes the listing's photo.",
        ),
        Exploit(
            "blocklist-bypass",
            "resolved-address-check",
            exploits.blocklist_bypass,
            "Another spelling of loopback, or a redirect, reaches the same service.",
        ),
    ),
)
