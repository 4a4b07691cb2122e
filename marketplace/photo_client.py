"""The client's side of listing photos, for the exploits and feature checks of the photo
lessons (path-traversal and ssrf): a small valid PNG, the two forms, the page's photo."""

from __future__ import annotations

import re
import secrets
import struct
import zlib
from html import unescape

from marketplace.exploits import HttpSession, Reply
from marketplace.features import Broken, create_listing, own_listings, page


def tiny_png(text: str = "") -> bytes:
    """A valid 1x1 PNG; ``text`` goes into a tEXt chunk (a comment inside the image)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    comment = chunk(b"tEXt", b"Comment\x00" + text.encode()) if text else b""
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + comment
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def tiny_jpeg(text: str = "") -> bytes:
    """JPEG's first bytes and a comment segment: what the server checks (not a full image)."""
    comment = text.encode() or b"photo"
    return b"\xff\xd8\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + b"\xff\xd9"


def new_listing(http: HttpSession, title: str | None = None) -> int:
    """Create a listing for this seller; its id, read back from /user/welcome."""
    title = title or f"Lamp {secrets.token_hex(4)}"
    create_listing(http, title, "Brass desk lamp, works.")
    for number, shown, _ in own_listings(http):
        if shown == title:
            return number
    raise Broken(f"the new listing {title!r} does not show on /user/welcome")


def upload_photo(
    http: HttpSession, listing: int, filename: str, data: bytes, kind: str = "image/png"
) -> Reply:
    return http.submit(
        f"/listings/{listing}/photo",
        {},
        form_path=f"/listings/{listing}",
        files={"photo": (filename, data, kind)},
    )


def photo_by_url(http: HttpSession, listing: int, url: str) -> Reply:
    return http.submit(f"/listings/{listing}/photo", {"url": url}, form_path=f"/listings/{listing}")


def photo_src(http: HttpSession, listing: int) -> str | None:
    """The ``src`` of the photo the listing's edit page shows, or None."""
    found = page(http.get(f"/listings/{listing}")).xpath('//img[@class="photo"]/@src')
    return found[0] if found else None


def message(reply: Reply) -> str:
    """The error a page shows (the form's, or the error page's description)."""
    found = re.search(r'<p class="error"[^>]*>(.*?)</p>', reply.text, re.S) or re.search(
        r"<p>(.*?)</p>", reply.text, re.S
    )
    return " ".join(unescape(found.group(1)).split()) if found else "(no message)"
