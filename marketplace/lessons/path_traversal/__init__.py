"""Chapter 11: path traversal (beyond the course)."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import PathTraversalSeam

LESSON = Lesson(
    slug="path-traversal",
    chapter=11,
    title="Path traversal",
    seam=PathTraversalSeam,
    package=__name__,
    stages=(
        Stage("join-path", "beyond", "os.path.join(uploads, name) with the client's name."),
        Stage("strip-dot-dot", "beyond", 'The name loses "../" once before the join.'),
        Stage("safe-join", "beyond", "Generated file names; safe_join for /media/."),
    ),
    exploits=(
        Exploit(
            "dot-dot-read",
            "strip-dot-dot",
            exploits.dot_dot_read,
            "/media/../../ reads a canary file outside the uploads folder.",
        ),
        Exploit(
            "nested-dot-dot-read",
            "safe-join",
            exploits.nested_dot_dot_read,
            '"..././" survives one pass of removing "../" and reads the canary file.',
        ),
        Exploit(
            "upload-filename-write",
            "safe-join",
            exploits.upload_filename_write,
            "A photo whose file name climbs out of the uploads folder is written there.",
        ),
    ),
)
