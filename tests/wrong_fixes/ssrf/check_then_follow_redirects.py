"""Wrong fix: resolve the host and refuse private addresses, then let requests fetch the URL.

The first address is judged correctly, whatever its spelling. But requests resolves the
name again (a rebinding resolver can answer differently the second time) and follows
redirects on its own: a public page that answers ``302 Location: http://127.0.0.1/...``
takes the fetch inside, and nobody checks the second hop.

Caught by: blocklist-bypass
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from marketplace.photos import FetchedPhoto, PhotoError

from ..fetching import allow_listed, check_scheme, fetch_by_name


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global


def fetch_photo(url: str) -> FetchedPhoto:
    check_scheme(url)
    host = urlsplit(url).hostname
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise PhotoError(f"The host {host!r} could not be resolved.") from None
    if not allow_listed(url) and not all(_public(info[4][0]) for info in found):
        raise PhotoError(f"Photos cannot be fetched from {host}: it is not a public address.")
    return fetch_by_name(url)
