"""Beyond the course, the fix: only a path on this site, judged as a browser would read it.

Safe: ``urllib.parse`` must find no scheme and no host, and the value must start with one
``/`` and not two. Before that, anything a browser reads differently from Python is
refused: a backslash (``/\\host`` is ``//host`` to a browser) and control characters (tabs
and newlines are dropped by the browser, so ``ht<TAB>tps:`` becomes ``https:``). The value
is judged again after percent-decoding, since a later hop may decode ``%2F%2F`` into ``//``.
"""

import re
from urllib.parse import unquote, urlsplit

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DECODINGS = 3  # "%25252F" needs three; more layers than that is not a real link


def _is_local_path(value: str) -> bool:
    if "\\" in value or _CONTROL.search(value):  # FIX: what browsers rewrite before parsing
        return False
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:  # FIX: no scheme, no host: a path on this site only
        return False
    return value.startswith("/") and not value.startswith("//")  # FIX: "///host" is a host


def after_login(next_value: str | None, fallback: str) -> str:
    if not next_value:
        return fallback
    decoded = next_value
    for _ in range(_DECODINGS + 1):
        if not _is_local_path(decoded):
            return fallback
        decoded, before = unquote(decoded), decoded
        if decoded == before:
            return next_value
    return fallback
