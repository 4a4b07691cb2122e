"""What honest users need from their listings: the owner can edit and delete them."""

from __future__ import annotations

import secrets

from marketplace.features import (
    REDIRECTS,
    Broken,
    Feature,
    checked,
    create_listing,
    own_listings,
)


@checked("owner-edits-and-deletes")
def owner_edits_and_deletes(target, people, details) -> str:
    """The author opens their listing's edit form, changes it, then deletes it."""
    person = people.sign_up()
    title = f"Own kayak {secrets.token_hex(4)}"
    create_listing(person.http, title, "Mine to change.")
    mine = own_listings(person.http)
    if [t for _, t, _ in mine] != [title]:
        raise Broken("the owner's new listing is not on the welcome page")
    number = mine[0][0]
    form = person.http.get(f"/listings/{number}")
    details.append(f"the owner opens the edit form of listing {number}: HTTP {form.status}")
    if form.status != 200:
        raise Broken(f"the owner cannot open their own listing's edit form (HTTP {form.status})")
    reply = person.http.submit(
        f"/listings/{number}", {"title": title + " v2", "description": "Changed by its owner."}
    )
    after = [(t, d) for _, t, d in own_listings(person.http)]
    details.append(f"edit: HTTP {reply.status}; the welcome page shows {after!r}")
    if after != [(title + " v2", "Changed by its owner.")]:
        raise Broken(f"the owner's edit did not change the listing (HTTP {reply.status})")
    reply = person.http.submit(f"/listings/{number}/delete", {}, form_path="/user/welcome")
    details.append(f"delete: HTTP {reply.status}")
    if reply.status not in REDIRECTS or own_listings(person.http):
        raise Broken(f"the owner could not delete their own listing (HTTP {reply.status})")
    return "the owner edits and deletes their own listing"


FEATURES = (
    Feature(
        "owner-edits-and-deletes",
        "The owner can edit and delete their own listing.",
        owner_edits_and_deletes,
    ),
)
