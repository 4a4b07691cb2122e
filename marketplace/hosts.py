"""Who the app answers: which Host names, and which clients while a lesson is vulnerable.

Lab mode serves deliberately vulnerable code on this machine. Two hooks keep it there,
whatever server runs the app (``marketplace run``, gunicorn, a test server):

* :func:`check_host`: the ``Host`` header must name this machine (``localhost``,
  ``127.x.y.z``, ``[::1]``, any port) or a name listed in ``MARKETPLACE_ALLOWED_HOSTS``.
  A page on an attacker's domain that DNS-rebinds that domain to 127.0.0.1 reaches the
  app from the learner's own browser, but with the attacker's name in ``Host``: refused.
  In production, ``MARKETPLACE_ALLOWED_HOSTS`` (when set) is the list of names answered.
  (Not Flask's ``TRUSTED_HOSTS``: it cannot say "any 127.x.y.z", and a refused request
  has no URL adapter, so the error page's ``url_for`` fails and the 400 becomes a 500.)
* :func:`vulnerable_stages_loopback_only`: while any lesson is not at its fixed stage,
  only loopback clients are answered (unless ``MARKETPLACE_LAB_ALLOW_REMOTE=1``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import abort, current_app, request

from .lessons import state
from .loopback import is_loopback
from .security import origin_refusal

# The characters a Host header may hold (as werkzeug checks them): a name or IPv4 address,
# or a bracketed IPv6 address, and an optional port.
_HOST = re.compile(r"(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.-]+))(?::(?P<port>\d{1,5}))?")


def host_name(host: str | None) -> str | None:
    """The name in a ``Host`` value, lower-case, without port or brackets; None if malformed."""
    match = _HOST.fullmatch((host or "").lower())
    if match is None or (match["port"] and not 0 < int(match["port"]) < 65536):
        return None
    return match["ipv6"] or match["name"]


# A server bound to every interface is reached on loopback.
_WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104  # nosec B104


def address_url(host: str, port: int | str) -> str:
    """``http://host:port/`` for a bound address; a wildcard bind is reached on loopback."""
    host = _WILDCARDS.get(host, host)
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _listed(name: str, allowed: Iterable[str]) -> bool:
    """``name`` is in the list; an entry starting with a dot also matches its subdomains."""
    for entry in allowed:
        entry = entry.lower()
        if name == entry.lstrip(".") or (entry.startswith(".") and name.endswith(entry)):
            return True
    return False


def host_allowed(name: str | None) -> bool:
    """Lab mode: loopback or listed names. Production: listed names, or any if none listed."""
    if not name:
        return False
    allowed = current_app.config.get("ALLOWED_HOSTS") or ()
    if _listed(name, allowed):
        return True
    if current_app.config.get("LAB_ENABLED"):
        return is_loopback(name)
    return not allowed


def check_host() -> None:
    """Before every request: refuse a Host header that does not name this server (400)."""
    # Without a Host header (HTTP/1.0), the server's own address stands in for it.
    host = request.headers.get("Host") or request.environ.get("SERVER_NAME")
    if host_allowed(host_name(host)):
        return
    if current_app.config.get("LAB_ENABLED"):
        reason = (
            "Lab mode answers only requests addressed to this machine (localhost, 127.0.0.1, "
            "[::1]): a page on another site could otherwise point its own name at this "
            "server (DNS rebinding) and drive the lab from your browser."
        )
    else:
        reason = "This server does not answer for that name."
    abort(
        400,
        description=f"The Host header {host!r} is not one this server answers. {reason} "
        "An operator can list more names in MARKETPLACE_ALLOWED_HOSTS.",
    )


def vulnerable_stages_loopback_only() -> None:
    """Before every request: while any lesson is vulnerable, answer loopback clients only.

    Loopback clients cost nothing here; for others the stages are read once per request
    (cached in ``g``, and read anyway for the response's security headers).
    """
    app = current_app
    if not app.config.get("LAB_ENABLED") or app.config.get("LAB_ALLOW_REMOTE"):
        return  # outside lab mode only fixed stages are ever active
    if is_loopback(request.remote_addr or ""):
        return
    vulnerable = [f"{slug}={stage}" for slug, stage in state.vulnerable_stages().items()]
    if vulnerable:
        abort(
            403,
            description="This server runs deliberately vulnerable lesson stages ("
            + ", ".join(vulnerable)
            + "), so it answers only clients on this machine (loopback). Reset every lesson "
            "to its fixed stage (marketplace lab reset), or set MARKETPLACE_LAB_ALLOW_REMOTE=1 "
            "on an isolated training network.",
        )


def lab_origin_refusal(req) -> str | None:
    """The lab's own check: same origin, and that origin must name this machine.

    The Host check already refuses other names; this repeats it for the Origin, so a
    request the browser labels as coming from a rebound attacker's page never switches a
    stage, even if the Host check were ever relaxed.
    """
    origin = req.headers.get("Origin")
    if origin is not None and not host_allowed(host_name(urlsplit(origin).netloc)):
        return f"Cross-origin request refused: the lab accepts only loopback origins, not {origin}."
    return origin_refusal(req)
