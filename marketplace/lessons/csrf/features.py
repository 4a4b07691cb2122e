"""What honest users need from the listing forms: they submit from the app's own pages.

In a real Chromium (the same harness as the exploit), a logged-in user posts a listing
from /listings/create, edits it from its edit page and deletes it with the button on the
welcome page. A CSRF defence that also refuses the app's own forms (a token the template
never renders, an Origin check that refuses every origin) breaks all three.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from marketplace.exploits.browser import Chromium, cannot_run
from marketplace.exploits.outcome import PreconditionFailed
from marketplace.features import Broken, CannotRun, Feature, checked, own_listings


@checked("own-forms-submit")
def own_forms_submit(target, people, details) -> str:
    """Create, edit and delete a listing through the app's own forms, in Chromium."""
    refusal = cannot_run(target)
    if refusal is not None:
        raise CannotRun(refusal.summary.removeprefix("skipped: "))
    person = people.sign_up(log_in=False)
    title = f"Browser kayak {secrets.token_hex(4)}"
    with Chromium(target) as chrome:
        try:  # Chromium.login returns nothing: it raises when the form did not log in
            chrome.login(person.email, person.password)
        except PreconditionFailed as exc:
            raise Broken(f"the login form did not log in: {exc}") from None
        landed = chrome.submit_form(
            "/listings/create", {"title": title, "description": "Posted from the form."}
        )
        details.append(f"create form landed on {landed}")
        people.log_in(person)
        mine = own_listings(person.http)
        if landed != "/user/welcome" or [t for _, t, _ in mine] != [title]:
            raise Broken(f"the create form did not post the listing (landed on {landed})")
        number = mine[0][0]
        landed = chrome.submit_form(f"/listings/{number}", {"title": title + " (edited)"})
        details.append(f"edit form landed on {landed}")
        if [t for _, t, _ in own_listings(person.http)] != [title + " (edited)"]:
            raise Broken(f"the edit form did not change the listing (landed on {landed})")
        chrome.open("/user/welcome")
        with chrome.page.expect_navigation(wait_until="load"):
            chrome.page.click("article.listing form button[type=submit]")
        chrome.flush()
        landed = urlsplit(chrome.page.url).path
        details.append(f"delete button landed on {landed}")
        if own_listings(person.http):
            raise Broken(f"the delete button did not delete the listing (landed on {landed})")
    return "create, edit and delete all submit from the app's own pages"


FEATURES = (
    Feature(
        "own-forms-submit",
        "The listing forms submit from the app's own pages (Chromium).",
        own_forms_submit,
        needs_browser=True,
    ),
)
