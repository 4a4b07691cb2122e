"""By-hand helpers for challenge tests: plain HTTP through the Flask test client.

Nothing here calls a lab exploit: the tests act as a learner would with a browser or curl.
"""

from __future__ import annotations

import re

PASSWORD = "Str0ng-Passw0rd!"


def csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict, form_page: str | None = None):
    fields = {"csrf_token": csrf(client, form_page or path), **data}
    return client.post(path, data=fields)


def signup(client, name: str, email: str, password: str = PASSWORD):
    reply = post_form(
        client,
        "/user/signup",
        {"full_name": name, "email": email, "password": password},
    )
    assert reply.status_code == 302, reply.get_data(as_text=True)[:500]
    return reply


def login(client, email: str, password: str = PASSWORD):
    return post_form(client, "/user/login", {"email": email, "password": password})


def progress(client) -> dict[tuple[str, str], dict]:
    reply = client.get("/lab/progress.json")
    assert reply.status_code == 200
    return {(c["lesson"], c["exploit"]): c for c in reply.get_json()["challenges"]}


def solved_by(client, lesson: str, exploit: str) -> str | None:
    """Who solved it ("learner", "lab") or None."""
    entry = progress(client)[(lesson, exploit)]
    assert entry["solved"] == (entry["by"] is not None)
    return entry["by"]


def nothing_solved(client) -> list[tuple[str, str]]:
    return [key for key, entry in progress(client).items() if entry["solved"]]
