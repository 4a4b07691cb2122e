"""beyond/fix: the host names ``localhost`` and ``127.0.0.1`` are refused, as text.

Still unsafe: a blocklist of spellings is not a blocklist of addresses. ``127.1``,
``2130706433``, ``0x7f000001``, ``[::ffff:127.0.0.1]``, ``[::1]`` and any name that
resolves to loopback (or to a private address) reach the same services, and a public
page that redirects to ``http://127.0.0.1/`` passes the check before the redirect is
followed.
"""

from urllib.parse import urlsplit

from marketplace.photos import FetchedPhoto, PhotoError

from ..fetching import allow_listed, fetch_by_name

BLOCKED_HOSTS = {"localhost", "127.0.0.1"}


def fetch_photo(url: str) -> FetchedPhoto:
    host = (urlsplit(url).hostname or "").lower()
    if host in BLOCKED_HOSTS and not allow_listed(url):  # VULNERABLE: compares text only
        raise PhotoError(f"Photos cannot be fetched from {host}.")
    return fetch_by_name(url)  # VULNERABLE: redirects are followed unchecked
