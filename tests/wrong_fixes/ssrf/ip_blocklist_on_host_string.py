"""Wrong fix: a blocklist of private ranges, checked on the host string, fetched by name.

If the host parses as an IP address, loopback, private, link-local and reserved ranges
are refused: ``127.0.0.1`` and ``10.0.0.5`` are stopped. But ``127.1``, ``2130706433`` and
``0x7f000001`` do not parse with ``ipaddress`` (they are not dotted quads), so they count
as names and are fetched by name: the resolver (``inet_aton``) reads them as 127.0.0.1.
Every name that resolves to a private address passes the same way, and redirects are
followed unchecked.

Caught by: blocklist-bypass
"""

import ipaddress
from urllib.parse import urlsplit

from marketplace.photos import FetchedPhoto, PhotoError

from ..fetching import allow_listed, fetch_by_name


def fetch_photo(url: str) -> FetchedPhoto:
    host = urlsplit(url).hostname or ""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None  # a name: nothing to check
    internal = ip is not None and (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
    )
    if internal and not allow_listed(url):
        raise PhotoError(f"Photos cannot be fetched from {host}: it is a private address.")
    return fetch_by_name(url)
