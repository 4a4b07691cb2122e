"""The challenge of chapter 1: an answer, since an advisory lookup leaves no effect.

The rule (the lesson text's "Challenge" section says it): the answer is the id of an
advisory (PYSEC-..., GHSA-... or its CVE alias) that the lab's OSV snapshot says affects
a package pinned by the requirement set the active stage serves. At ``audited`` no
advisory of the snapshot matches, so no answer is right.
"""

from __future__ import annotations

import re

from marketplace.challenges import Challenge
from marketplace.lessons import active

from . import osv

_ID = re.compile(r"[A-Za-z]+-[\w-]+")


def _check(answer: str) -> str | None:
    pins, _problems = osv.parse_requirements(
        active("vulnerable-components").requirements_file().read_text()
    )
    named = {word.upper() for word in _ID.findall(answer)}
    for match in osv.audit(pins).matches:
        ids = {match.id.upper(), *(alias.upper() for alias in match.aliases)}
        if named & ids:
            return f"named {match.id} affecting {match.pin.name} {match.pin.version}"
    return None


CHALLENGES = (
    Challenge(
        exploit="known-advisories",
        goal="Name a published advisory that affects what the lab's active requirement set pins.",
        difficulty=1,
        hints=(
            "An attacker's first question: which versions does the target run?",
            "The lesson's lab page links the active stage's requirements.txt; look its "
            "pins up in a vulnerability database (osv.dev, pip-audit).",
            "At flask-0.12, Flask 0.12 has a denial-of-service advisory from 2018: answer "
            "with its PYSEC or CVE id.",
        ),
        answer=_check,
    ),
)
