"""The lab answers only on loopback, unless the operator explicitly opts in."""

from __future__ import annotations

from flask import abort, current_app, request

from marketplace.loopback import is_loopback

__all__ = ["is_loopback", "loopback_only"]


def loopback_only() -> None:
    if current_app.config.get("LAB_ALLOW_REMOTE"):
        return
    if not is_loopback(request.remote_addr or ""):
        abort(403, description="The lab answers only on this machine (loopback).")
