"""What every stage of the ssrf lesson shares: a fetch bounded in time, size, redirects and
content type, and connections pinned to an address that was checked.

The stages differ in *which* addresses they let the server talk to; none of them may hang
on a slow server, read a huge answer, loop on redirects or take a web page for a photo.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from urllib.parse import urlsplit

import requests
from flask import current_app

from marketplace.photos import (
    FETCH_REDIRECTS,
    FETCH_SECONDS,
    FetchedPhoto,
    PhotoError,
    check_content_type,
    read_bounded,
)

REDIRECT_CODES = (301, 302, 303, 307, 308)


def check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PhotoError("Give a full http:// or https:// address of the image.")


def allow_listed(url: str) -> bool:
    """Is the URL's exact ``host:port`` in ``MARKETPLACE_PHOTO_FETCH_ALLOW`` (labs, tests)?"""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}".lower() in current_app.config["PHOTO_FETCH_ALLOW"]


def fetch_by_name(url: str) -> FetchedPhoto:
    """requests fetches ``url`` (and its redirects) by name, whatever address that is."""
    check_scheme(url)
    deadline = time.monotonic() + FETCH_SECONDS
    session = requests.Session()
    session.max_redirects = FETCH_REDIRECTS
    session.trust_env = False  # no proxy from the environment: the lab talks to loopback
    try:
        with session.get(url, stream=True, timeout=(3, FETCH_SECONDS)) as answer:
            refuse_status(answer.status_code)
            check_content_type(answer.headers.get("Content-Type"))
            data = read_bounded(answer.iter_content(64 * 1024), deadline)
            return FetchedPhoto(data, answer.url)
    except requests.TooManyRedirects:
        raise PhotoError(f"Too many redirects: at most {FETCH_REDIRECTS}.") from None
    except requests.RequestException as exc:
        raise PhotoError(f"The image could not be fetched: {exc.__class__.__name__}.") from None


def refuse_status(status: int) -> None:
    if status != 200:
        raise PhotoError(f"The address answered HTTP {status}, not an image.")


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to ``address``, whatever ``host`` (sent as Host) resolves to."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to ``address``, with the certificate checked against ``host`` (SNI too)."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def get_pinned(url: str, address: str, deadline: float) -> tuple[int, str | None, bytes]:
    """GET ``url`` from ``address`` only: (status, Location, body of an image answer)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(parts.hostname, port, address, timeout=max(0.1, deadline - time.monotonic()))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path, headers={"User-Agent": "marketplace-photo/1"})
        answer = connection.getresponse()
        if answer.status in REDIRECT_CODES:
            return answer.status, answer.getheader("Location"), b""
        refuse_status(answer.status)
        check_content_type(answer.getheader("Content-Type"))
        chunks = iter(lambda: answer.read(64 * 1024), b"")
        return answer.status, None, read_bounded(chunks, deadline)
    except (OSError, http.client.HTTPException) as exc:
        raise PhotoError(f"The image could not be fetched: {exc.__class__.__name__}.") from None
    finally:
        connection.close()
