"""What honest sellers need from the shop greeting: placeholders filled in, text kept as
text, and a broken placeholder refused with a message.

A stage that shows no greeting at all (or refuses every one) cannot be injected, and is
no fix.
"""

from __future__ import annotations

import secrets

from marketplace.features import REDIRECTS, Broken, Feature, checked, form_errors


def save_greeting(person, greeting: str):
    return person.http.submit(
        "/user/edit",
        {"full_name": person.full_name, "email": person.email, "greeting": greeting},
    )


def shown_greeting(person) -> str | None:
    reply = person.http.get("/user/welcome")
    found = reply.xpath('//*[@id="shop-greeting"]')
    return found[0].text_content() if found else None


@checked("greeting-placeholders")
def greeting_placeholders(target, people, details) -> str:
    """{{ name }} and {{ count }} are filled in; markup characters stay text."""
    name = f"Ann & Bo <{secrets.token_hex(3)}>"
    person = people.sign_up(name)
    greeting = 'Welcome to {{ name }}\'s shop: {{count}} listings, 100% "as new" <3'
    reply = save_greeting(person, greeting)
    details.append(f"save: HTTP {reply.status} {form_errors(reply)}")
    if reply.status not in REDIRECTS:
        raise Broken(f"saving a greeting with two placeholders answered HTTP {reply.status}")
    shown = shown_greeting(person)
    expected = f'Welcome to {name}\'s shop: 0 listings, 100% "as new" <3'
    details.append(f"shown: {shown!r}")
    if shown != expected:
        raise Broken(f"the welcome page shows {shown!r}, not {expected!r}")
    return "the greeting shows the name and the count, markup characters as text"


@checked("greeting-unclosed-placeholder")
def greeting_unclosed_placeholder(target, people, details) -> str:
    """An unclosed placeholder: 400 with a message, and the old greeting stays."""
    person = people.sign_up()
    if save_greeting(person, "Hello from {{ name }}").status not in REDIRECTS:
        raise Broken("a valid greeting could not be saved")
    reply = save_greeting(person, "Hello from {{ name")
    message = form_errors(reply)
    details.append(f"save: HTTP {reply.status}, message {message!r}")
    if reply.status != 400 or not message:
        raise Broken(f"an unclosed placeholder answers HTTP {reply.status} {message!r}")
    shown = shown_greeting(person)
    if shown != f"Hello from {person.full_name}":
        raise Broken(f"after a refused greeting the page shows {shown!r}")
    return f"an unclosed placeholder is refused (400): {message!r}"


FEATURES = (
    Feature(
        "greeting-placeholders",
        "A greeting shows the seller's name and listing count.",
        greeting_placeholders,
    ),
    Feature(
        "greeting-unclosed-placeholder",
        "An unclosed placeholder gets a 400 with a message.",
        greeting_unclosed_placeholder,
    ),
)
