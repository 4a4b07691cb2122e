"""Chapter 8: broken access control."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import BrokenAccessControlSeam

LESSON = Lesson(
    slug="broken-access-control",
    chapter=8,
    title="Broken access control",
    seam=BrokenAccessControlSeam,
    package=__name__,
    stages=(
        Stage(
            "authentication-only",
            "8/code",
            "Any logged-in user can load any listing for edit and delete.",
        ),
        Stage("owner-check", "8/fix", "Only the author's own listing is found."),
    ),
    exploits=(
        Exploit(
            "edit-foreign-listing",
            "owner-check",
            exploits.edit_foreign_listing,
            "User B edits user A's listing through its number in the URL.",
        ),
        Exploit(
            "delete-foreign-listing",
            "owner-check",
            exploits.delete_foreign_listing,
            "User B deletes user A's listing through its number in the URL.",
        ),
    ),
)
