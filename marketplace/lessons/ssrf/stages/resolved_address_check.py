"""beyond/fix: resolve the host, refuse any address that is not public, connect to the address
that was checked, and check every redirect the same way.

Safe: the decision is made on addresses, not spellings: ``getaddrinfo`` turns ``127.1``,
``0x7f000001`` or ``localhost.`` into the address they mean, and IPv4-mapped IPv6
addresses are judged as the IPv4 address they carry. Every address a name resolves to
must be public (one private answer is enough to refuse, or a rebinding resolver could
pick it later), and the connection goes to that checked address, so nothing resolves the
name a second time. A redirect is a new URL and goes through the same check. Size, time,
redirects and content type stay bounded. ``MARKETPLACE_PHOTO_FETCH_ALLOW`` names exact
``host:port`` pairs that may be fetched anyway: a lab and test setting, empty by default.
"""

import ipaddress
import socket
import time
from urllib.parse import urljoin, urlsplit

from marketplace.photos import FETCH_REDIRECTS, FETCH_SECONDS, FetchedPhoto, PhotoError

from ..fetching import allow_listed, check_scheme, get_pinned


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # FIX: ::ffff:127.0.0.1 is 127.0.0.1
    return ip.is_global and not ip.is_multicast


def _checked_address(url: str) -> str:
    """The one address to connect to for ``url``; refuses a host that is not public."""
    check_scheme(url)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise PhotoError(f"The host {parts.hostname!r} could not be resolved.") from None
    addresses = [info[4][0] for info in found]
    if not allow_listed(url) and not all(_is_public(address) for address in addresses):  # FIX
        raise PhotoError(
            f"Photos cannot be fetched from {parts.hostname}: it is not a public address."
        )
    return addresses[0]


def fetch_photo(url: str) -> FetchedPhoto:
    deadline = time.monotonic() + FETCH_SECONDS
    for _ in range(FETCH_REDIRECTS + 1):
        address = _checked_address(url)  # FIX: every hop, redirects included
        status, location, data = get_pinned(url, address, deadline)  # FIX: that address only
        if location is None:
            return FetchedPhoto(data, url)
        url = urljoin(url, location)
    raise PhotoError(f"Too many redirects: at most {FETCH_REDIRECTS}.")
