"""The seam of the open-redirect lesson: what every stage module defines."""

from typing import Protocol


class OpenRedirectSeam(Protocol):
    """Where the login sends a person once their password checked out (``?next=``), and
    where a login link sends a visitor who is logged in already.

    Only the login's ``next`` decision is the lesson's: every other redirect of the app
    keeps ``marketplace.redirects.safe_next``. Whatever a stage returns, the view never puts
    a line break into a ``Location`` header (it falls back instead: a header cannot hold one).
    """

    def after_login(self, next_value: str | None, fallback: str) -> str:
        """The URL to redirect to: ``next_value`` (the query's ``next``, decoded once, or
        None) when the stage accepts it, else ``fallback`` (the welcome page)."""
        ...
