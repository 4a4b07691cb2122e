"""The signed "remember me" cookie of the first two stages: itsdangerous, the e-mail inside.

The cookie is ``URLSafeTimedSerializer(key, salt=SALT).dumps({"email": ...})``: readable by
anyone (base64 JSON), tamper-proof only as long as the key is secret. Whoever knows the key
signs a cookie for any e-mail, and nothing on the server can revoke one before it expires.
The salt is public (this file is), as it is in every open-source app.
"""

from __future__ import annotations

from itsdangerous import BadData, URLSafeTimedSerializer

from marketplace.models import User

from .tokens import LIFETIME

SALT = "remember-me"


def serializer(key: str | bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=SALT)


def issue(key: str | bytes, user: User) -> str:
    return serializer(key).dumps({"email": user.email})


def user_for(key: str | bytes, token: str) -> User | None:
    try:
        payload = serializer(key).loads(token, max_age=int(LIFETIME.total_seconds()))
    except BadData:
        return None
    email = payload.get("email") if isinstance(payload, dict) else None
    return User.by_email(email) if isinstance(email, str) else None
