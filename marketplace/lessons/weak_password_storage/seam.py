"""The seam of the weak-password-storage lesson: what every stage module defines."""

from typing import Protocol


class WeakPasswordStorageSeam(Protocol):
    """Hashing a password and verifying it at login."""

    def hash_password(self, password: str) -> str:
        """The value stored in ``users.password_hash`` for ``password``."""
        ...

    def verify_password(self, stored: str, password: str) -> bool:
        """Whether ``password`` matches ``stored`` (any format a stage ever wrote)."""
        ...

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` should be replaced at the user's next successful login."""
        ...
