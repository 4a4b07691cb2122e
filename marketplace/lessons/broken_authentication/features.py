"""What honest users need from the login: it lets them in, and says no clearly.

A right password logs in; a wrong one is refused with an error message on the login page
(the stage's words: "Wrong password." or "Invalid e-mail or password."), not silently;
and someone who mistypes twice still gets in on the third try, so throttling is aimed at
guessing, not at people.
"""

from __future__ import annotations

from marketplace.features import (
    REDIRECTS,
    Broken,
    Feature,
    checked,
    form_errors,
    logged_in,
)


@checked("right-password-logs-in")
def right_password_logs_in(target, people, details) -> str:
    """The right password logs in and opens the welcome page."""
    person = people.sign_up()
    if not logged_in(person.http):
        raise Broken("after logging in, the welcome page does not open")
    return "the right password logs in"


@checked("wrong-password-message")
def wrong_password_message(target, people, details) -> str:
    """A wrong password is refused, and the login page says so."""
    person = people.sign_up(log_in=False)
    http = target.session()
    reply = http.login(person.email, "Wrong-" + person.password)
    message = form_errors(reply)
    details.append(f"wrong password: HTTP {reply.status}, message {message!r}")
    if reply.status in REDIRECTS or logged_in(http):
        raise Broken("a wrong password logged in")
    if reply.status != 400:
        raise Broken(f"a first wrong password answers HTTP {reply.status}, not 400")
    if not message:
        raise Broken("a wrong password is refused without any message")
    return f"a wrong password is refused: {message!r}"


@checked("mistyped-twice-logs-in")
def mistyped_twice_logs_in(target, people, details) -> str:
    """Two wrong passwords, then the right one: logged in."""
    person = people.sign_up(log_in=False)
    for n in (1, 2):
        reply = person.http.login(person.email, f"Typo{n}-" + person.password)
        details.append(f"mistyped password {n}: HTTP {reply.status}")
    reply = person.http.login(person.email, person.password)
    details.append(f"right password: HTTP {reply.status} {reply.location}")
    if reply.status not in REDIRECTS or not logged_in(person.http):
        raise Broken(f"after two typos the right password is refused (HTTP {reply.status})")
    return "after two typos the right password logs in"


FEATURES = (
    Feature("right-password-logs-in", "A right password logs in.", right_password_logs_in),
    Feature(
        "wrong-password-message",
        "A wrong password is refused with a message.",
        wrong_password_message,
    ),
    Feature(
        "mistyped-twice-logs-in",
        "Someone who mistypes twice still logs in.",
        mistyped_twice_logs_in,
    ),
)
