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


NOTE = (
    "Only the demo accounts (marketplace/demo.py) are in this dump: the lab simulates a "
    "breach of its own victims and never hands out anyone else's password hash."
)


def dump() -> dict:
    """The demo victims' e-mails and stored password values: what the breach copies.

    A real breach copies every row; the lab's copy is limited to the demo accounts, so
    the page (or a script that reaches it) can never leak a real signup's hash.
    """
    demo = victims()
    rows = db.session.execute(
        select(User.email, User.password_hash).where(User.email.in_(demo)).order_by(User.id)
    ).all()
    return dump_document([(email, stored) for email, stored in rows], demo, note=NOTE)
