"""What honest users need from their profile: their name, exactly as they typed it.

A full name with ``"``, ``'``, ``<``, ``>``, ``&`` and spaces is saved, comes back as
the value of the edit form's full-name input (as a browser parses it: lxml.html) and in
the welcome page's greeting. An escaping that drops or mangles any of them, or a form that
no longer shows the name, loses it the next time the user saves the form.

The unquoted attribute of ``unquoted-attribute`` ends at the first space, so that stage
shows only the first word: its vulnerability is also this bug (the lesson tests list it).
"""

from __future__ import annotations

import secrets

from marketplace.features import REDIRECTS, Broken, Feature, checked, page, text_of


@checked("full-name-round-trip")
def full_name_round_trip(target, people, details) -> str:
    """Save a full name with markup characters and spaces; see it verbatim on both pages."""
    name = f'Zoë "Q" O\'Neil <b>& Co</b> &amp; {secrets.token_hex(2)}'
    person = people.sign_up()
    reply = person.http.submit("/user/edit", {"full_name": name, "email": person.email})
    details.append(f"saving the name {name!r}: HTTP {reply.status}")
    if reply.status not in REDIRECTS:
        raise Broken(f"saving the full name failed (HTTP {reply.status})")
    shown = page(person.http.get("/user/edit")).xpath('//input[@name="full_name"]/@value')
    details.append(f"the edit form's full-name value: {shown!r}")
    if shown != [name]:
        raise Broken(f"the edit form shows the name as {shown[:1]!r}, not {name!r}")
    greeting = text_of(next(iter(page(person.http.get("/user/welcome")).xpath("//h1")), None))
    details.append(f"the welcome page's greeting: {greeting!r}")
    if greeting != f"Welcome, {name}":
        raise Broken(f"the welcome page greets {greeting!r}")
    return "the full name round-trips verbatim through /user/edit and /user/welcome"


FEATURES = (
    Feature(
        "full-name-round-trip",
        "A full name with \" ' < > & and spaces shows verbatim on /user/edit and /user/welcome.",
        full_name_round_trip,
    ),
)
