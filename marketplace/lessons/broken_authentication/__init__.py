"""Chapter 4: broken authentication."""

from marketplace.lessons.base import Exploit, Lesson, Stage
from marketplace.lessons.state import stage_changed

from . import exploits, throttle
from .lab import bp
from .seam import BrokenAuthenticationSeam

LESSON = Lesson(
    slug="broken-authentication",
    chapter=4,
    title="Broken authentication",
    seam=BrokenAuthenticationSeam,
    package=__name__,
    stages=(
        Stage("verbose-errors", "4/code", 'Says "no such user" or "wrong password".'),
        Stage("generic-errors", "4/fix", "One message for every failure (and for signup)."),
        Stage("hardened", "beyond", "Generic message, dummy-hash work, throttling."),
    ),
    exploits=(
        Exploit(
            "message-enumeration",
            "generic-errors",
            exploits.message_enumeration,
            "Tell registered e-mails from the login's error message.",
        ),
        Exploit(
            "timing-enumeration",
            "hardened",
            exploits.timing_enumeration,
            "Tell registered e-mails from how long a failed login takes.",
        ),
        Exploit(
            "online-brute-force",
            "hardened",
            exploits.online_brute_force,
            f"Try the {exploits.BRUTE_FORCE_TRIES} most common passwords against a demo account.",
        ),
    ),
    # The challenges' e-mail lists and brute-force victim (lab only).
    lab_blueprint=bp,
    lab_links=(("The challenges' e-mail lists and brute-force victim", "candidates"),),
)

# A stage switch or lab reset starts with fresh failed-login counters.
stage_changed.connect(throttle.forget_all, sender=LESSON.slug, weak=False)
