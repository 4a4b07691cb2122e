"""The lab's challenge accounts: users whose passwords the lab never shows anyone.

Some challenges need a victim whose password the learner cannot simply read (the demo
accounts' passwords are on /lab/). Their e-mails are at :data:`CHALLENGE_DOMAIN`.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import User

CHALLENGE_DOMAIN = "challenge.example.com"


def challenge_email(local: str) -> str:
    return f"{local}@{CHALLENGE_DOMAIN}"


def set_account(email: str, full_name: str, password_hash: str) -> User:
    """Create the account, or give the existing one this stored password; commits."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(full_name=full_name, email=email, password_hash=password_hash)
        db.session.add(user)
    else:
        user.password_hash = password_hash
    db.session.commit()
    return user


def exists(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None
