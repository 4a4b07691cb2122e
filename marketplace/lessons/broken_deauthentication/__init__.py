"""Chapter 5: broken de-authentication."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import BrokenDeauthenticationSeam

LESSON = Lesson(
    slug="broken-deauthentication",
    chapter=5,
    title="Broken de-authentication",
    seam=BrokenDeauthenticationSeam,
    package=__name__,
    stages=(
        Stage(
            "client-cookie", "5.1/code", "Login kept in Flask's signed cookie; logout flips a flag."
        ),
        Stage("revoke-on-logout", "5.1/fix", "Server-side sessions; logout deletes the session."),
        Stage(
            "revoke-on-password-change",
            "5.2/fix",
            "A password change revokes the user's other sessions and rotates this one.",
        ),
        Stage("revoke-on-delete", "5.3/fix", "Deleting the account revokes all its sessions."),
    ),
    exploits=(
        Exploit(
            "replay-after-logout",
            "revoke-on-logout",
            exploits.replay_after_logout,
            "Replay a cookie copied before logout.",
        ),
        Exploit(
            "replay-after-password-change",
            "revoke-on-password-change",
            exploits.replay_after_password_change,
            "Replay a cookie copied before the password change.",
        ),
        Exploit(
            "replay-after-delete",
            "revoke-on-delete",
            exploits.replay_after_delete,
            "Replay a cookie copied before the account was deleted.",
        ),
    ),
)
