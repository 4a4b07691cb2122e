"""Demo data: a few users with listings, so every exploit has a victim. Idempotent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from .extensions import db
from .models import Listing, User
from .password_storage import hash_password

# Some demo users have common passwords on purpose: they are the accounts the password
# cracking and online brute-force lessons find. Seeding bypasses the signup policy, as a
# legacy account from before the policy would.
DEMO_USERS = (
    (
        "Alice Adams",
        "alice@example.com",
        "wonderland-Quartz-42",
        [
            ("Road bike, 56 cm", "Steel frame, new tyres, serviced in spring."),
            ("Bookshelf", "Oak, five shelves, you collect."),
        ],
    ),
    (
        "Bob Brown",
        "bob@example.com",
        "sunshine",
        [
            ("Espresso machine", "Works well, descaled monthly."),
            ("Guitar amp", "15 W practice amp with headphone out."),
        ],
    ),
    (
        "Carol Clark",
        "carol@example.com",
        "iloveyou",
        [("Winter jacket", "Size M, worn one season.")],
    ),
    (
        "Dave Dunn",
        "dave@example.com",
        "football",
        [("Camping stove", "Two burners, gas canister not included.")],
    ),
)


def demo_credentials() -> list[tuple[str, str, str]]:
    return [(name, email, password) for name, email, password, _ in DEMO_USERS]


def _hash_all(passwords: list[str]) -> list[str]:
    """Hash on every core: Argon2id and bcrypt release the GIL, and a scratch app for
    ``fix check`` or ``audit`` waits for these hashes before its first check."""
    app = current_app._get_current_object()

    def one(password: str) -> str:
        with app.app_context():
            return hash_password(password)

    with ThreadPoolExecutor(max_workers=min(4, len(passwords) or 1)) as pool:
        return list(pool.map(one, passwords))


def seed_demo() -> int:
    """Create the demo users that are missing; returns how many were created."""
    missing = [row for row in DEMO_USERS if User.by_email(row[1]) is None]
    hashes = _hash_all([password for _, _, password, _ in missing])
    created = 0
    for (name, email, _, listings), password_hash in zip(missing, hashes, strict=True):
        user = User(full_name=name, email=email, password_hash=password_hash)
        user.listings = [Listing(title=t, description=d) for t, d in listings]
        db.session.add(user)
        created += 1
    db.session.commit()
    return created
