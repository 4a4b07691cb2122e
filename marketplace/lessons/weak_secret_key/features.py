"""What honest users need from "remember me": it brings them back, and logging out ends it.

A remembered login survives the end of the session (the browser closed, the session
expired): the cookie alone opens the user's page. Without the box ticked there is no such
cookie. Logging out in that browser ends the remembered login too, and a password change
leaves the user logged in where they changed it. A "fix" that never remembers anyone
cannot be forged, and is no fix.
"""

from __future__ import annotations

from marketplace.features import REDIRECTS, Broken, Feature, checked

COOKIE = "remember_me"


def _remembered_login(target, people, details):
    """A fresh person logged in with the box ticked: (person, browser, cookie)."""
    person = people.sign_up(log_in=False)
    browser = target.session()
    reply = browser.submit(
        "/user/login", {"email": person.email, "password": person.password, "remember": "y"}
    )
    details.append(f"login with 'remember me': HTTP {reply.status} -> {reply.location}")
    if reply.status not in REDIRECTS or "/user/login" in reply.location:
        raise Broken(f"logging in with 'remember me' ticked failed (HTTP {reply.status})")
    cookie = browser.get_cookie(COOKIE)
    if not cookie:
        raise Broken("logging in with 'remember me' ticked set no remember_me cookie")
    return person, browser, cookie


def _greets(http, person) -> bool:
    reply = http.get("/user/welcome")
    return reply.status == 200 and person.full_name in reply.text


@checked("remembered-login")
def remembered_login(target, people, details) -> str:
    """The remember-me cookie alone logs the person back in; without the box, no cookie."""
    person, _, cookie = _remembered_login(target, people, details)
    returning = target.session()  # the session cookie is gone: a browser restarted
    returning.set_cookie(COOKIE, cookie)
    if not _greets(returning, person):
        raise Broken("the remember_me cookie alone did not log the person back in")
    if not _greets(returning, person):  # and the restored login is a session of its own
        raise Broken("the restored login did not last to the next page")
    plain = target.session()
    reply = plain.login(person.email, person.password)
    if reply.status not in REDIRECTS or plain.get_cookie(COOKIE):
        raise Broken("a login without 'remember me' set a remember_me cookie anyway")
    return "the remember-me cookie alone brings the person back; no box, no cookie"


@checked("logout-forgets")
def logout_forgets(target, people, details) -> str:
    """Logging out in the remembered browser leaves it logged out, session or not."""
    person, browser, _ = _remembered_login(target, people, details)
    reply = browser.logout()
    details.append(f"logout: HTTP {reply.status}")
    if reply.status not in REDIRECTS:
        raise Broken(f"logging out failed (HTTP {reply.status})")
    if browser.get_cookie(COOKIE):
        raise Broken("logging out left the remember_me cookie in the browser")
    if _greets(browser, person):
        raise Broken("after logging out, the browser is still logged in")
    people.log_in(person)  # the clean-up deletes the account from a logged-in session
    return "logging out ends the remembered login in that browser"


@checked("password-change-stays-in")
def password_change_stays_in(target, people, details) -> str:
    """A password change in a remembered browser keeps that browser logged in."""
    person, browser, _ = _remembered_login(target, people, details)
    new = target.fresh_password()
    reply = browser.submit(
        "/user/change_password", {"current_password": person.password, "new_password": new}
    )
    details.append(f"password change: HTTP {reply.status} -> {reply.location}")
    if reply.status not in REDIRECTS or "/user/login" in reply.location:
        raise Broken(f"the password change failed (HTTP {reply.status})")
    person.password = new
    if not _greets(browser, person):
        raise Broken("after changing the password, the browser was logged out")
    return "a password change keeps the remembered browser logged in"


FEATURES = (
    Feature(
        "remembered-login",
        "The remember-me cookie alone logs the person back in.",
        remembered_login,
    ),
    Feature(
        "logout-forgets",
        "Logging out ends the remembered login in that browser.",
        logout_forgets,
    ),
    Feature(
        "password-change-stays-in",
        "A password change keeps the remembered browser logged in.",
        password_change_stays_in,
    ),
)
