"""Chapter 12: OS command injection ("export my listings")."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import CommandInjectionSeam

LESSON = Lesson(
    slug="command-injection",
    chapter=12,
    title="OS command injection",
    seam=CommandInjectionSeam,
    package=__name__,
    stages=(
        Stage(
            "shell-string",
            "beyond",
            "tar through a shell, the file name pasted into the command line.",
        ),
        Stage("blocklist", "beyond", "The same shell line; names with ; & or | are refused."),
        Stage(
            "argument-list",
            "beyond",
            "No shell: the standard library's tarfile packs it; the name only names the download.",
        ),
    ),
    exploits=(
        Exploit(
            "semicolon-command",
            "blocklist",
            exploits.semicolon_command,
            "A file name that closes the quote and chains a command with ; writes a canary.",
        ),
        Exploit(
            "command-substitution",
            "argument-list",
            exploits.command_substitution,
            "$(command) in the file name runs inside the quotes and writes a canary.",
        ),
    ),
)
