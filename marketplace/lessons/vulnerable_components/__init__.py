"""Chapter 1: using components with known vulnerabilities."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .commands import deps_audit
from .lab import bp
from .seam import VulnerableComponentsSeam

LESSON = Lesson(
    slug="vulnerable-components",
    chapter=1,
    title="Vulnerable components",
    seam=VulnerableComponentsSeam,
    package=__name__,
    stages=(
        Stage("flask-0.12", "1/code", "Flask 0.12 and the Werkzeug/Jinja2 of its time."),
        Stage("flask-1.0.3", "1/fix", "The course's fix: Flask 1.0.3, since caught up with."),
        Stage("audited", "beyond", "The project's locked dependencies, audited in CI."),
    ),
    exploits=(
        Exploit(
            "known-advisories",
            "audited",
            exploits.known_advisories,
            "Audit the active stage's requirement set against the OSV advisory snapshot.",
        ),
    ),
    commands=(deps_audit,),
    lab_blueprint=bp,
    lab_links=(("The active stage's requirement set", "requirements.txt"),),
)
