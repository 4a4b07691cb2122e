"""Chapter 17: a weak secret key behind the "remember me" cookie."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .lab import bp
from .seam import WeakSecretKeySeam

LESSON = Lesson(
    slug="weak-secret-key",
    chapter=17,
    title="Weak secret key",
    seam=WeakSecretKeySeam,
    package=__name__,
    stages=(
        Stage(
            "hard-coded-key",
            "beyond",
            "The remember-me cookie is signed with a common word written in the code.",
        ),
        Stage(
            "generated-key",
            "beyond",
            "Signed with the app's random secret key: uncrackable, but forgeable if it leaks.",
        ),
        Stage(
            "server-side-tokens",
            "beyond",
            "A random token stored as a SHA-256, revoked at logout and password change.",
        ),
    ),
    exploits=(
        Exploit(
            "crack-and-forge",
            "generated-key",
            exploits.crack_and_forge,
            "Crack the key from one's own cookie with a wordlist, then forge the victim's.",
        ),
        Exploit(
            "forge-with-leaked-key",
            "server-side-tokens",
            exploits.forge_with_leaked_key,
            "Forge the victim's cookie with the key read from a leaked backup.",
        ),
    ),
    lab_blueprint=bp,
    lab_links=(("The leaked backup: configuration, instance folder, code", "backup.json"),),
)
