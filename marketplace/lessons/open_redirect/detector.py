"""The challenge detector: the login is about to send someone to another site.

Called by the login view with the ``Location`` it is about to answer. It takes the value as
the header will carry it (Werkzeug's ``iri_to_uri``) and resolves it roughly as a browser
does (WHATWG URL parsing: C0 controls and spaces trimmed at the ends, tabs and newlines
dropped anywhere, ``\\`` read as ``/``) against the login's own URL, and records a solve
when the resulting host differs from the one the request came to. A value with a scheme of
its own is ``absolute-url-redirect``; one that borrows ours (``//host``, ``/\\host``) is
``scheme-relative-redirect``. Honest ``next`` values are paths on this site and never
count.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from werkzeug.urls import iri_to_uri

from marketplace import challenges

SLUG = "open-redirect"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def browser_reads(location: str) -> str:
    """``location`` as a browser's URL parser sees it before resolving it."""
    location = location.strip("".join(map(chr, range(0x21))))
    location = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    return location


def check_login_redirect(location: str, login_url: str) -> None:
    here = urlsplit(login_url)
    # What the Location header will say: Werkzeug writes it through iri_to_uri, which drops
    # tabs and spaces ("/<TAB>/host" becomes "//host") and encodes "\\" as %5C.
    seen = browser_reads(iri_to_uri(location))
    has_scheme = bool(_SCHEME.match(seen))
    special = re.match(r"^(https?):(/*)(.*)$", seen, re.I)
    if special and (special[2] or special[1].lower() != here.scheme):
        # "https:host" from an http page, or "http:///host": the host follows, slashes or not.
        seen = f"{special[1].lower()}://{special[3]}"
    elif not has_scheme:
        seen = re.sub(r"^//+", "//", seen)  # http(s) URLs skip extra slashes before a host
    resolved = urlsplit(urljoin(login_url, seen))
    if resolved.scheme not in ("http", "https") or resolved.netloc == here.netloc:
        return
    exploit = "absolute-url-redirect" if has_scheme else "scheme-relative-redirect"
    challenges.solved(
        SLUG,
        exploit,
        f"the login redirected to {resolved.scheme}://{resolved.netloc}/ (next={location[:100]!r})",
    )
