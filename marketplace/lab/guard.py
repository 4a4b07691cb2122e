"""The lab answers only on loopback, unless the operator explicitly opts in."""

from __future__ import annotations

import ipaddress

from flask import abort, current_app, request


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_only() -> None:
    if current_app.config.get("LAB_ALLOW_REMOTE"):
        return
    if not is_loopback(request.remote_addr or ""):
        abort(403, description="The lab answers only on this machine (loopback).")
