"""What every stage of the photo lessons shares: the limits, the error, the image check.

A listing's photo is a PNG or a JPEG of at most ``MAX_PHOTO_BYTES``, recognised by its
first bytes (never by its name or the Content-Type a client claims), kept in the uploads
folder (``UPLOADS_FOLDER``, in the instance folder). Where a photo is written and which
file ``/media/<name>`` serves is the path-traversal lesson's seam; how a photo given by URL
is fetched is the ssrf lesson's. The limits and the messages are the same at every stage.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

MAX_PHOTO_BYTES = 1024 * 1024
FETCH_SECONDS = 5.0  # the whole fetch, redirects included
FETCH_REDIRECTS = 3
IMAGE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg"}
_MAGIC = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}


class PhotoError(ValueError):
    """The photo cannot be used; the message says why (HTTP 400)."""


@dataclass(frozen=True)
class FetchedPhoto:
    """What a fetch brought back: the bytes, and the URL they finally came from."""

    data: bytes
    url: str


def image_extension(data: bytes) -> str:
    """``.png`` or ``.jpg`` from the first bytes; refuses anything else with a message."""
    if not data:
        raise PhotoError("The photo is empty: choose a PNG or JPEG image.")
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(f"The photo is too large: at most {MAX_PHOTO_BYTES // 1024} KiB.")
    for magic, extension in _MAGIC.items():
        if data.startswith(magic):
            return extension
    raise PhotoError("This is not a PNG or JPEG image: only those two formats are accepted.")


def content_type_of(header: str | None) -> str:
    """The media type of a Content-Type header, without its parameters, lower-cased."""
    return (header or "").split(";", 1)[0].strip().lower()


def check_content_type(header: str | None) -> None:
    """A fetched answer must say it is a PNG or a JPEG, or it is refused unread."""
    found = content_type_of(header)
    if found not in IMAGE_TYPES:
        raise PhotoError(
            f"The address did not answer with an image (Content-Type {found or 'none'!r}): "
            "give the URL of a PNG or JPEG file."
        )


def read_bounded(chunks: Iterable[bytes], deadline: float) -> bytes:
    """Join ``chunks`` until ``MAX_PHOTO_BYTES`` or the deadline (``time.monotonic()``)."""
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > MAX_PHOTO_BYTES:
            raise PhotoError(f"The image is too large: at most {MAX_PHOTO_BYTES // 1024} KiB.")
        if time.monotonic() > deadline:
            raise PhotoError(f"The address took too long to answer (over {FETCH_SECONDS:g} s).")
    return bytes(body)
