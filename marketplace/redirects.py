"""Where to send a user after logging in: ``next`` only as a path on this site.

An open redirect after login is a phishing tool: the link shows our domain, the login is
real, and the victim lands on the attacker's copy. Checking the text is not enough,
because the browser normalises a ``Location`` before following it: it strips tabs and
newlines anywhere and spaces at the ends, reads ``\\`` as ``/``, and takes ``//host`` (or
``/\\host``) as another site. So anything a browser could read as another origin is refused,
in the value as given and again after percent-decoding (a later hop may decode it).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

FALLBACK = "/user/welcome"

# C0 controls (tab, CR, LF, ...), DEL and C1 controls: browsers drop some of them silently,
# and a CR or LF in a header is refused by the server (a 500 if it got that far).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DECODINGS = 3  # "%25252F" needs three; more layers than that is not a real link


def _is_local_path(value: str) -> bool:
    if not value.startswith("/") or value[1:2] == "/":  # "//host" is another site
        return False
    if "\\" in value or _CONTROL.search(value):  # "/\host" is "//host" to a browser
        return False
    path = value.split("?", 1)[0].split("#", 1)[0]
    return not {".", ".."} & set(path.split("/"))  # no "/./" games with the path


def safe_next(value: str | None, fallback: str = FALLBACK) -> str:
    """``value`` if it is a path on this site (query string kept), otherwise ``fallback``."""
    if not value:
        return fallback
    decoded = value
    for _ in range(_DECODINGS + 1):
        if not _is_local_path(decoded):
            return fallback
        decoded, before = unquote(decoded), decoded
        if decoded == before:
            return value
    return fallback
