"""Challenges of chapter 14; their detector is ``backup.py`` (a process started while a
backup file was read)."""

from marketplace.challenges import Challenge

CHALLENGES = (
    Challenge(
        exploit="pickle-code-execution",
        goal="Restore a backup file that makes the server run a harmless command of yours.",
        difficulty=2,
        hints=(
            "Download your backup and decode it (base64). Which Python format is it?",
            "An object can choose how it is pickled: __reduce__ returns a callable and its "
            "arguments, and unpickling calls it.",
            "Pickle a backup dict with one extra value whose __reduce__ returns "
            "(subprocess.run, (['touch', '/tmp/DIR/x'],)), base64 it, restore it.",
        ),
    ),
    Challenge(
        exploit="yaml-code-execution",
        goal="Restore a YAML backup file that makes the server run a harmless command.",
        difficulty=2,
        hints=(
            "Download your backup: it is YAML now. Is all YAML just data?",
            "PyYAML's full loader understands tags that name Python functions.",
            "Add a key with the value !!python/object/apply:subprocess.run "
            '[[touch, "/tmp/DIR/x"]] to your backup and restore it.',
        ),
    ),
)
