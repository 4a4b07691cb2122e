"""The xxe lesson's challenges, their detectors, and the lab's canary file.

Rules, both observed on ``/listings/upload`` after the active stage parsed the document
(the upload view announces ``xml_upload_parsed`` with the bytes and the parsed items):

- ``file-disclosure``: the upload creates listings (the redirect after the insert) and
  one of them holds the text of the lab's canary file, a file with a random text in the
  instance folder that no page ever shows (``/lab/xxe/canary`` tells where it is).
- ``entity-expansion``: the parsed titles and descriptions hold more than ten times as
  many characters as the document has bytes. Plain XML always holds fewer characters of
  text than bytes of markup, so only entities can do this; it counts even when the
  listings are then refused as too long, since the parser has done the work by then.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Blueprint, Response, current_app, g, request

from marketplace import challenges
from marketplace.challenges import Challenge
from marketplace.challenges.hooks import guarded
from marketplace.signals import xml_upload_parsed

CHALLENGES = (
    Challenge(
        exploit="file-disclosure",
        goal="Publish the content of the lab's canary file (see /lab/xxe/canary for where "
        "it is) in one of your listings, without typing it in.",
        difficulty=2,
        hints=(
            "The bulk upload reads an XML document; XML can say more than elements and text.",
            "A document type definition (DTD) can declare entities, and an entity's value "
            "can come from somewhere other than the document.",
            'Declare <!ENTITY x SYSTEM "file:///path/of/the/canary"> in a DOCTYPE and use '
            "&x; in a listing's description.",
        ),
    ),
    Challenge(
        exploit="entity-expansion",
        goal="Upload a small document that the server's parser turns into more than ten "
        "times as much text.",
        difficulty=2,
        hints=(
            "XML has a way to name a piece of text once and repeat it by name.",
            "A named piece of text may itself repeat other named pieces.",
            'Declare <!ENTITY a "lollollol!">, then b as ten &a;, c as ten &b; and put &c; '
            "in a description: a few hundred bytes become a thousand characters.",
        ),
    ),
)

EXPANSION_FACTOR = 10
CANARY_NAME = "xxe-canary.txt"

# The lesson's lab page (mounted at /lab/xxe/ with the lab's guards): where the canary is.
bp = Blueprint("xxe_challenges", __name__)


def canary_path(app) -> Path:
    return Path(app.instance_path) / "lab" / CANARY_NAME


def canary_text(app) -> str:
    """The canary file's text, created with a random text the first time it is needed."""
    cached = app.extensions.get("xxe-canary")
    if cached:
        return cached
    path = canary_path(app)
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        text = ""
    if not text:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = f"canary-{secrets.token_hex(16)}"
        path.write_text(text + "\n")
    app.extensions["xxe-canary"] = text
    return text


@bp.route("/canary")
def canary():
    """Where the canary file is (never what it says: that is the challenge)."""
    path = canary_path(current_app)
    canary_text(current_app)
    return Response(
        f"The lab's canary file is {path}\n({path.as_uri()}).\n"
        "Its text is random and no page shows it: get the server to publish it.\n",
        mimetype="text/plain",
    )


@guarded
def _parsed(app, document: bytes, items, **_) -> None:
    texts = [text for pair in items for text in pair if isinstance(text, str)]
    g.xxe_canary_parsed = any(canary_text(app) in text for text in texts)
    expanded = sum(len(text) for text in texts)
    if expanded > EXPANSION_FACTOR * len(document):
        challenges.solved(
            "xxe",
            "entity-expansion",
            f"a document of {len(document)} bytes parsed into {expanded} characters of text "
            f"(x{expanded // max(1, len(document))})",
        )


@guarded
def canary_published(response) -> None:
    if request.endpoint != "listings.upload" or response.status_code not in (302, 303):
        return
    if g.get("xxe_canary_parsed"):
        challenges.solved(
            "xxe",
            "file-disclosure",
            "an uploaded document created a listing holding the canary file's text",
        )


def install(app) -> None:
    """Lab mode only (the framework calls it): listen to the upload, then its answer."""
    xml_upload_parsed.connect(_parsed, sender=app)
    app.after_request(canary_published)
