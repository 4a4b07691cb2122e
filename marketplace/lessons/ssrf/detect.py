"""The challenge detector of the ssrf lesson, called by the photo view after a fetch.

A fetch that got an answer from an address that is not public (loopback, private,
link-local...), and is not one the allow-list names, reached something only the server can
reach: that is the effect. Which challenge it solves depends on how the URL got there:
the plain spellings ``localhost``/``127.0.0.1`` with no redirect, or anything else.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from marketplace import challenges

SLUG = "ssrf"
PLAIN_SPELLINGS = {"localhost", "127.0.0.1"}


def internal_address(host: str, port: int) -> str | None:
    """One address ``host`` resolves to that is not public, or None."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    for info in found:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global:
            return str(ip)
    return None


def fetched(asked: str, final: str, allow: list[str]) -> None:
    parts = urlsplit(final)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if f"{host}:{port}".lower() in allow:
        return
    address = internal_address(host, port)
    if address is None:
        return
    plain = asked == final and host.lower() in PLAIN_SPELLINGS
    exploit = "internal-service-read" if plain else "blocklist-bypass"
    how = f"{asked} (redirected to {final})" if asked != final else asked
    challenges.solved(SLUG, exploit, f"the server fetched {how}: an answer from {address}")
