"""The simulated breach: the users table as an attacker would copy it (lab only)."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.demo import demo_credentials, seed_demo
from marketplace.extensions import db
from marketplace.models import User
from marketplace.password_storage import hash_password

from .crack import dump_document


def victims() -> list[str]:
    """The demo accounts whose passwords the lab knows (some are common on purpose)."""
    return [email for _name, email, _password in demo_credentials()]


def rehash_demo_users() -> list[str]:
    """Store the demo users' passwords with the *active* scheme.

    As if they had signed up (or changed their password) while this stage was live, so
    a dump taken now shows what this stage stores. Missing demo users are re-created.
    """
    seed_demo()
    done = []
    for _name, email, password in demo_credentials():
        user = User.by_email(email)
        if user is not None:
            user.password_hash = hash_password(password)
            done.append(email)
    db.session.commit()
    return done


def dump() -> dict:
    """Every user's e-mail and stored password value: what the breach copies."""
    rows = db.session.execute(select(User.email, User.password_hash).order_by(User.id)).all()
    return dump_document([(email, stored) for email, stored in rows], victims())
