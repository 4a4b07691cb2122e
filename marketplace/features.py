"""Feature checks: the honest user's side of every lesson, run over the HTTP ``Target``.

An exploit proves a stage is unsafe; a feature check proves the feature still works for
the people it is for. A "fix" that makes search return nothing cannot be injected, and an
upload that refuses every document leaks no file: the feature checks catch those. Each
lesson declares ``FEATURES`` in its ``features.py``, a tuple of :class:`Feature`; each
check signs up its own fresh accounts, creates its own listings, and deletes the
accounts (with their listings) over HTTP when it is done.

A check returns a :class:`Check`: passed or not, a one-line summary, details, and the
recorded exchanges as evidence. ``could_not_run`` is for a check that never got to ask
its question (no browser, no app to plant rows in): neither a pass nor a failure.
"""

from __future__ import annotations

import importlib
import logging
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import html as lxml_html

from marketplace.exploits.target import Exchange, HttpSession, Reply, Target

if TYPE_CHECKING:
    from marketplace.lessons.base import Lesson

log = logging.getLogger(__name__)

REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Check:
    """What one feature check found."""

    name: str
    passed: bool
    summary: str
    details: list[str] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    could_not_run: bool = False

    @property
    def label(self) -> str:
        if self.could_not_run:
            return "error"
        return "works" if self.passed else "broken"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "outcome": self.label,
            "summary": self.summary,
            "details": self.details,
            "exchanges": [e.as_dict() for e in self.exchanges],
        }


@dataclass(frozen=True)
class Feature:
    """One honest use of a lesson's feature, checked over HTTP."""

    name: str
    summary: str
    run: Callable[[Target], Check]
    needs_browser: bool = False


class CannotRun(Exception):
    """The check could not ask its question; the message says why."""


class Broken(Exception):
    """A step an honest user takes did not work; the message says which."""


def features_of(lesson: Lesson) -> tuple[Feature, ...]:
    """The lesson's feature checks: ``lesson.features`` once wired, else its features.py."""
    declared = tuple(getattr(lesson, "features", ()) or ())
    if declared:
        return declared
    try:
        module = importlib.import_module(f"{lesson.package}.features")
    except ModuleNotFoundError:
        return ()
    return tuple(module.FEATURES)


def run_feature(feature: Feature, target: Target) -> Check:
    """Run one check; a crash is a check that could not run, with its reason."""
    target.exchanges.clear()
    try:
        check = feature.run(target)
    except CannotRun as exc:
        check = finish(target, feature.name, False, f"could not run: {exc}")
        check.could_not_run = True
    except Exception as exc:  # noqa: BLE001 - the evidence must say what broke
        log.exception("feature check %s crashed", feature.name)
        check = finish(
            target, feature.name, False, f"the check crashed: {exc.__class__.__name__}: {exc}"
        )
        check.could_not_run = True
    return check


def finish(target: Target, name: str, passed: bool, summary: str, *details: str) -> Check:
    """Close a check: the verdict, and the exchanges recorded so far as evidence."""
    check = Check(name, passed, summary, list(details), list(target.exchanges))
    target.exchanges.clear()
    return check


def checked(name: str) -> Callable[[Callable[..., str]], Callable[[Target], Check]]:
    """Turn ``body(target, people) -> summary`` into a check: ``Broken`` fails it, the
    accounts made through ``people`` are deleted afterwards whatever happened."""

    def wrap(body: Callable[..., str]) -> Callable[[Target], Check]:
        def run(target: Target) -> Check:
            details: list[str] = []
            with people_of(target) as people:
                try:
                    summary = body(target, people, details)
                    passed = True
                except Broken as exc:
                    summary, passed = str(exc), False
            return finish(target, name, passed, summary, *details)

        run.__name__ = run.__qualname__ = body.__name__
        run.__doc__ = body.__doc__
        return run

    return wrap


@dataclass
class Person:
    """A fresh account and its logged-in session."""

    http: HttpSession
    full_name: str
    email: str
    password: str


class People:
    """Fresh accounts for one check; every one is deleted over HTTP at the end."""

    def __init__(self, target: Target):
        self.target = target
        self.made: list[Person] = []

    def sign_up(self, full_name: str | None = None, *, log_in: bool = True) -> Person:
        full_name = full_name or f"Honest {secrets.token_hex(3)}"
        email, password = self.target.fresh_email("honest"), self.target.fresh_password()
        http = self.target.session()
        person = Person(http, full_name, email, password)
        reply = http.signup(full_name, email, password)
        if reply.status not in REDIRECTS:
            raise Broken(f"signing up a fresh account failed (HTTP {reply.status})")
        self.made.append(person)
        if log_in:
            self.log_in(person)
        return person

    def log_in(self, person: Person, password: str | None = None) -> None:
        reply = person.http.login(person.email, password or person.password)
        if reply.status not in REDIRECTS or "/user/login" in reply.location:
            raise Broken(
                f"{person.email} could not log in with the right password (HTTP {reply.status})"
            )

    def delete_all(self) -> None:
        for person in self.made:
            try:
                # The person's own session if it is still logged in: one login less.
                http = person.http
                if not logged_in(http):
                    http = self.target.session()
                    http.login(person.email, person.password)
                http.submit("/user/delete", {"password": person.password})
            except Exception:  # noqa: BLE001 - clean-up is best effort; the verdict stands
                log.warning("could not delete the check's account %s", person.email)


@contextmanager
def people_of(target: Target) -> Iterator[People]:
    people = People(target)
    try:
        yield people
    finally:
        people.delete_all()


# --- Reading the app's pages (lxml, as a browser would parse them). ---


def page(reply: Reply):
    return lxml_html.fromstring(reply.text or "<html></html>")


def text_of(element) -> str:
    return element.text_content() if element is not None else ""


def own_listings(http: HttpSession) -> list[tuple[int, str, str]]:
    """(number, title, description) of every listing on the user's welcome page."""
    reply = http.get("/user/welcome")
    if reply.status != 200:
        raise Broken(f"the welcome page did not open (HTTP {reply.status})")
    found = []
    for article in page(reply).xpath('//article[@class="listing"]'):
        link = article.xpath('.//a[starts-with(@href, "/listings/")]/@href')
        number = re.search(r"/listings/(\d+)", link[0]) if link else None
        found.append(
            (
                int(number.group(1)) if number else 0,
                text_of(next(iter(article.xpath(".//h3")), None)),
                text_of(next(iter(article.xpath(".//p")), None)),
            )
        )
    return found


def listings_in(reply: Reply) -> list[tuple[str, str]]:
    """(title, description) of every listing on a listings page (index or search)."""
    return [
        (text_of(next(iter(a.xpath(".//h3")), None)), text_of(next(iter(a.xpath(".//p")), None)))
        for a in page(reply).xpath('//article[@class="listing"]')
    ]


def form_errors(reply: Reply) -> str:
    """The error messages a form page shows (``.error`` elements), joined."""
    messages = [" ".join(text_of(e).split()) for e in page(reply).xpath('//*[@class="error"]')]
    return " / ".join(m for m in messages if m)


def create_listing(http: HttpSession, title: str, description: str) -> Reply:
    """Post the listing form; the form's token is fetched once per session, as a tab would."""
    data = {"title": title, "description": description}
    token = getattr(http, "_listing_token", None)
    if token is not None:
        reply = http.post("/listings/create", data={**data, "csrf_token": token})
        if reply.status != 400:
            return reply
    form = http.get("/listings/create")
    http._listing_token = form.csrf_token or ""  # type: ignore[attr-defined]
    return http.post("/listings/create", data={**data, "csrf_token": http._listing_token})


def logged_in(http: HttpSession) -> bool:
    """Does this session still open the welcome page?"""
    return http.get("/user/welcome").status == 200
