"""The command-injection challenges: make the export run a command of your own.

The detector (``export.py``) looks at the export's temporary working folder after the
stage ran: an honest export leaves the CSV and the archive there and nothing else, so a
file that tar did not make is the trace of the learner's command (``touch proof`` writes
it there: the shell runs in that folder). A ``$(`` or a backtick in the file name makes it
the substitution challenge, anything else the chained-command one.
"""

from marketplace.challenges import Challenge

CHALLENGES = (
    Challenge(
        exploit="semicolon-command",
        goal="Make 'Export my listings' run a second command of yours that leaves a file "
        "next to the CSV it packs.",
        difficulty=1,
        hints=(
            "The file name you type ends up inside a command line that a shell reads.",
            "The name sits between double quotes; a shell ends a command at ';'.",
            'Try the file name: x.tar.gz"; touch proof; echo "',
        ),
    ),
    Challenge(
        exploit="command-substitution",
        goal="Make the export run a command of yours even though ; & and | are refused.",
        difficulty=2,
        hints=(
            "A shell can run a command in the middle of a word, not only after a separator.",
            "Inside double quotes, the shell still performs command substitution.",
            "Try the file name: x-$(touch proof).tar.gz (or with backticks: x-`touch proof`)",
        ),
    ),
)
