"""Chapter 9: XML external entities."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import challenges, exploits
from .seam import XxeSeam

LESSON = Lesson(
    slug="xxe",
    chapter=9,
    title="XML external entities (XXE)",
    seam=XxeSeam,
    package=__name__,
    stages=(
        Stage(
            "resolve-entities",
            "9/code",
            "lxml with resolve_entities=True: the document's DTD is obeyed.",
        ),
        Stage("defused", "9/fix", "defusedxml, no DTDs, bounded size."),
    ),
    exploits=(
        Exploit(
            "file-disclosure",
            "defused",
            exploits.file_disclosure,
            "An external entity copies a canary file from the server into a listing.",
        ),
        Exploit(
            "entity-expansion",
            "defused",
            exploits.entity_expansion,
            "Nested entities turn a few hundred bytes into thousands of characters.",
        ),
    ),
    lab_blueprint=challenges.bp,  # /lab/xxe/canary: where the lab's canary file is
    lab_links=(("Where the canary file is", "canary"),),
)
