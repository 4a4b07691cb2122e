"""Configuration read from the environment (``MARKETPLACE_*``), overridable by tests."""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message says what to do next."""


ENVIRONMENTS = ("development", "production")
# Bytes of key material a production secret key needs (token_hex(32) gives 64 characters).
MIN_SECRET_BYTES = 32
NEW_KEY_COMMAND = "python -c 'import secrets; print(secrets.token_hex(32))'"


def database_url(raw: str | None, instance_path: str) -> str:
    """Normalise a database URL; default to SQLite in the instance folder."""
    if not raw:
        return "sqlite:///" + os.path.join(instance_path, "marketplace.sqlite")
    # psycopg 3 is the driver we ship; accept the URLs people usually paste.
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def instance_secret_key(instance_path: str) -> str:
    """Return the secret key kept in the instance folder, creating it once."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        key = path.read_text().strip()
        if key:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created 0600 so other local users cannot forge sessions.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def allowed_hosts(raw: str) -> list[str]:
    """``MARKETPLACE_ALLOWED_HOSTS``: comma-separated names (``.example.com`` = subdomains too)."""
    return [name.strip().strip("[]").lower() for name in raw.split(",") if name.strip()]


def ratelimit_url(raw: str) -> str:
    """Where throttle counters live: "" for the app's database, or a Redis URL."""
    raw = raw.strip()
    if raw and not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            f"MARKETPLACE_RATELIMIT_URL={raw!r}: give a Redis URL (redis://host:6379/0), or "
            "leave it unset to keep the counters in the database. Counters in one process's "
            "memory would not be shared by workers or cleared by `marketplace lab reset`."
        )
    return raw


RATELIMIT_PREFIX_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}")


def ratelimit_prefix(raw: str) -> str:
    """``MARKETPLACE_RATELIMIT_PREFIX``: this lab's own namespace in a shared Redis, so that
    its ``lab reset`` clears its counters and nobody else's ("" for the default)."""
    raw = raw.strip()
    if raw and not RATELIMIT_PREFIX_PATTERN.fullmatch(raw):
        raise ConfigError(
            f"MARKETPLACE_RATELIMIT_PREFIX={raw!r}: use 1 to 40 letters, digits, '-' or '_' "
            "(e.g. workshop-2), or leave it unset."
        )
    return raw


def fetch_allow_list(raw: str) -> list[str]:
    """``MARKETPLACE_PHOTO_FETCH_ALLOW``: exact ``host:port`` pairs a photo may be fetched from
    although they are not public addresses (a lab and test setting, empty by default)."""
    pairs = [pair.strip().lower() for pair in raw.split(",") if pair.strip()]
    for pair in pairs:
        host, _, port = pair.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(
                f"MARKETPLACE_PHOTO_FETCH_ALLOW: {pair!r} is not host:port "
                "(e.g. 127.0.0.1:8081); list exact pairs, separated by commas."
            )
    return pairs


def from_environment(instance_path: str, environ: dict[str, str] | None = None) -> dict:
    """Build the Flask config mapping from ``MARKETPLACE_*`` variables."""
    env = os.environ if environ is None else environ
    mode = env.get("MARKETPLACE_ENV", "development").strip() or "development"
    if mode not in ENVIRONMENTS:
        raise ConfigError(
            f"MARKETPLACE_ENV={mode!r} is not known; use one of {', '.join(ENVIRONMENTS)}."
        )
    production = mode == "production"
    secret = env.get("MARKETPLACE_SECRET_KEY")
    if production and not secret:
        raise ConfigError(
            "MARKETPLACE_ENV=production needs MARKETPLACE_SECRET_KEY: set it to a long random "
            f"value, e.g. the output of: {NEW_KEY_COMMAND}"
        )
    if production and len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        # A short key can be guessed offline from one signed cookie or CSRF token.
        raise ConfigError(
            f"MARKETPLACE_SECRET_KEY is too short ({len(secret.encode('utf-8'))} bytes): "
            f"production needs at least {MIN_SECRET_BYTES} bytes of random key material, "
            f"e.g. the output of: {NEW_KEY_COMMAND}"
        )
    return {
        "MARKETPLACE_ENV": mode,
        "LAB_ENABLED": not production,
        "LAB_ALLOW_REMOTE": env.get("MARKETPLACE_LAB_ALLOW_REMOTE") == "1",
        "ALLOWED_HOSTS": allowed_hosts(env.get("MARKETPLACE_ALLOWED_HOSTS", "")),
        "SECRET_KEY": secret or instance_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("MARKETPLACE_DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {},  # a server database's: see create_app
        # Set only for a throwaway SQLite database (tests, audit's and fix check's scratch
        # copies): commits skip the flush to disk. Never from the environment.
        "SCRATCH_DATABASE": False,
        "STAGES": env.get("MARKETPLACE_STAGES", ""),
        "RATELIMIT_STORAGE_URI": ratelimit_url(env.get("MARKETPLACE_RATELIMIT_URL", "")),
        "RATELIMIT_KEY_PREFIX": ratelimit_prefix(env.get("MARKETPLACE_RATELIMIT_PREFIX", "")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=30),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=12),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which expires
        "LISTINGS_PER_PAGE": 20,
        # Listing photos (path-traversal and ssrf lessons): where they are kept, and the
        # loopback or private host:port pairs a photo URL may still name (labs and tests).
        "UPLOADS_FOLDER": os.path.join(instance_path, "uploads"),
        "PHOTO_FETCH_ALLOW": fetch_allow_list(env.get("MARKETPLACE_PHOTO_FETCH_ALLOW", "")),
    }
