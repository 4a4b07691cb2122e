"""The small servers the ssrf exploits and feature checks start on loopback.

Each binds a free port on 127.0.0.1 (and, for the internal service, the same port on
``::1`` when this machine has IPv6 loopback), answers a bounded number of requests, counts
them, and is shut down when its ``with`` block ends.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 5

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        owner = self.server.owner
        owner.requests.append(self.path)
        if len(owner.requests) > owner.max_requests:
            self.send_error(429, "enough requests")
            return
        found = owner.routes.get(urlsplit(self.path).path)
        if found is None:
            self.send_error(404)
            return
        status, headers, body = found
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: Service, address: tuple[str, int], family: int):
        self.owner = owner
        self.address_family = family
        super().__init__(address, _Handler)


class Service:
    """Routes ``path -> (status, headers, body)``; ``requests`` lists the paths asked for."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]], max_requests: int):
        self.routes = routes
        self.max_requests = max_requests
        self.requests: list[str] = []
        self.port = 0
        self.ipv6 = False


@contextmanager
def serve(
    routes: dict[str, tuple[int, dict[str, str], bytes]],
    max_requests: int = 20,
    ipv6: bool = False,
) -> Iterator[Service]:
    """Serve ``routes`` on a free loopback port until the block ends."""
    service = Service(routes, max_requests)
    servers = [_Server(service, ("127.0.0.1", 0), socket.AF_INET)]
    service.port = servers[0].server_port
    if ipv6:
        try:
            servers.append(_Server(service, ("::1", service.port), socket.AF_INET6))
            service.ipv6 = True
        except OSError:  # no IPv6 loopback here, or the port is taken on it
            pass
    # A short poll: shutdown() waits for it (the default 0.5 s, at every server's end).
    threads = [threading.Thread(target=s.serve_forever, args=(0.05,), daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield service
    finally:
        for server, thread in zip(servers, threads, strict=True):
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


@contextmanager
def allowed(target, host_port: str) -> Iterator[bool]:
    """Let the app behind ``target`` fetch from ``host_port`` for the block (the lab and
    test setting ``MARKETPLACE_PHOTO_FETCH_ALLOW``); yields False when the target is a
    server of another process, whose setting cannot be changed from here."""
    app = getattr(target, "app", None)
    if app is None:
        yield False
        return
    allow = app.config.setdefault("PHOTO_FETCH_ALLOW", [])
    added = host_port not in allow
    if added:
        allow.append(host_port)
    try:
        yield True
    finally:
        if added and host_port in allow:
            allow.remove(host_port)
