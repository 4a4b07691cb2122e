"""What honest users need from their session: it starts, ends, and survives their own changes.

Login opens the welcome page and logout closes it; changing the password keeps the session
that changed it logged in (and the new password works, the old one not); deleting the
account works: it cannot log in again (whether old copies of its session still work is
the exploits' question, not the owner's).
"""

from __future__ import annotations

from marketplace.features import REDIRECTS, Broken, Feature, checked, logged_in


@checked("login-logout")
def login_logout(target, people, details) -> str:
    """Logged in after login, logged out after logout."""
    person = people.sign_up()
    if not logged_in(person.http):
        raise Broken("after logging in, the welcome page does not open")
    reply = person.http.logout()
    details.append(f"logout: HTTP {reply.status} {reply.location}")
    if logged_in(person.http):
        raise Broken("after logging out, the welcome page still opens")
    return "login opens the welcome page; logout closes it"


@checked("password-change")
def password_change(target, people, details) -> str:
    """The session that changes the password stays logged in; the new password works."""
    person = people.sign_up()
    old, new = person.password, "New-" + target.fresh_password()
    reply = person.http.submit(
        "/user/change_password", {"current_password": old, "new_password": new}
    )
    details.append(f"change password: HTTP {reply.status} {reply.location}")
    if reply.status not in REDIRECTS:
        raise Broken(f"changing the password failed (HTTP {reply.status})")
    person.password = new  # the clean-up deletes the account with the new password
    if not logged_in(person.http):
        raise Broken("the session that changed the password was logged out")
    fresh = target.session()
    if fresh.login(person.email, new).status not in REDIRECTS or not logged_in(fresh):
        raise Broken("the new password does not log in")
    if target.session().login(person.email, old).status in REDIRECTS:
        raise Broken("the old password still logs in")
    return "the changing session stays logged in; the new password works, the old does not"


@checked("account-deletion")
def account_deletion(target, people, details) -> str:
    """Deleting the account works: it can no longer log in."""
    person = people.sign_up()
    reply = person.http.submit("/user/delete", {"password": person.password})
    details.append(f"delete account: HTTP {reply.status} {reply.location}")
    if reply.status not in REDIRECTS:
        raise Broken(f"deleting the account failed (HTTP {reply.status})")
    people.made.remove(person)
    # Whether the old session is revoked is the exploits' question, not the owner's.
    if target.session().login(person.email, person.password).status in REDIRECTS:
        raise Broken("the deleted account still logs in")
    return "the account is deleted and can no longer log in"


FEATURES = (
    Feature("login-logout", "Log in, then log out.", login_logout),
    Feature("password-change", "Change the password and stay logged in.", password_change),
    Feature("account-deletion", "Delete the account.", account_deletion),
)
