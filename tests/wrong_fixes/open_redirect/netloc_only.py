"""Wrong fix: ``urlparse(next).netloc == ""``, "no host, so it stays on this site".

Python's parser and the browser's disagree. ``urlparse("http:evil.example/")`` finds a
scheme and no host (everything after the colon is a path to Python), so the check passes.
Werkzeug writes the header as ``http:///evil.example/``, and a browser, for http and https,
skips any slashes (none, one or three) to the host: another site. Checking the host alone
forgets the scheme.

Caught by: absolute-url-redirect
"""

from urllib.parse import urlparse


def after_login(next_value: str | None, fallback: str) -> str:
    if next_value and urlparse(next_value).netloc == "":
        return next_value
    return fallback
