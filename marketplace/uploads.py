"""What every XML upload parser shares: its error type, its limits, the encodings it reads.

The encoding check runs before any stage's parser: expat (defusedxml) raises a bare
``ValueError`` for multi-byte encodings other than UTF-8/16 (UTF-7, Shift_JIS, Big5...) and
``LookupError`` for unknown ones, and lxml reads almost anything (UTF-7 included, a classic
way past filters). One short list, refused with one message, at every stage.
"""

from __future__ import annotations

import re

MAX_LISTINGS = 500
MAX_DOCUMENT_BYTES = 512 * 1024

ACCEPTED_ENCODINGS = ("UTF-8", "UTF-16")
# The names both parsers read natively (expat and libxml2), compared case-insensitively.
_UTF8_NAMES = {"utf-8"}
_UTF16_NAMES = {"utf-16", "utf-16le", "utf-16be"}

# The XML declaration's encoding, quoted or not (a broken declaration still names one).
_DECLARED = re.compile(r"""^<\?xml\b[^>]*?\bencoding\s*=\s*["']?([^"'\s?>]*)""")
# Byte-order marks and the first bytes of "<?" (XML 1.0, appendix F), longest first.
_UTF32_STARTS = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<", b"<\x00\x00\x00")
_UTF16_STARTS = {
    b"\xfe\xff": "utf-16",
    b"\xff\xfe": "utf-16",
    b"\x00<\x00?": "utf-16-be",
    b"<\x00?\x00": "utf-16-le",
}
_EBCDIC_START = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC


class UploadError(ValueError):
    """The document cannot be turned into listings; the message says why (HTTP 400)."""


def _refuse(found: str) -> UploadError:
    return UploadError(
        f"The document is encoded as {found}: upload it in UTF-8 or UTF-16 "
        '(declared as encoding="UTF-8" or "UTF-16", or with no declaration).'
    )


def check_encoding(data: bytes) -> None:
    """Refuse a document in anything but UTF-8 or UTF-16, before a parser reads it."""
    head = data[: MAX_DOCUMENT_BYTES + 4]  # padding inside the declaration must not hide it
    if head.startswith(_UTF32_STARTS):
        raise _refuse("UTF-32")
    if head.startswith(_EBCDIC_START):
        raise _refuse("EBCDIC")
    for start, codec in _UTF16_STARTS.items():
        if head.startswith(start):
            text, allowed = head.decode(codec, errors="replace").lstrip("\ufeff"), _UTF16_NAMES
            break
    else:
        text, allowed = head.decode("latin-1").removeprefix("\xef\xbb\xbf"), _UTF8_NAMES
    declared = _DECLARED.match(text)
    if declared is None or declared.group(1).lower() in allowed:
        return
    name = declared.group(1)[:40]
    if name.lower() in _UTF8_NAMES | _UTF16_NAMES:
        actual = "UTF-16" if allowed is _UTF16_NAMES else "UTF-8"
        raise _refuse(f"{actual}; the declaration says {name!r}")
    raise _refuse(repr(name))
