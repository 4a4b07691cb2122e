"""The xss lesson's challenge, and its detector.

Rule: ``/user/edit`` is rendered (any status) with an ``<input id="full_name">`` that has
an event-handler attribute (a name starting with ``on``, with a value) that the template
does not write: the profile name escaped the ``value`` and became code the browser runs.
The page the active stage rendered is parsed with ``html.parser``, as a browser would
split its attributes. A plain name with spaces ("Yoko Ono") never counts: its extra words
would be attributes without a value.
"""

from __future__ import annotations

from html.parser import HTMLParser

from flask import g, request

from marketplace import challenges
from marketplace.challenges import Challenge
from marketplace.challenges.hooks import guarded

CHALLENGES = (
    Challenge(
        exploit="attribute-injection",
        goal="Make your profile page run JavaScript of your choosing in the browser of "
        "whoever opens it.",
        difficulty=1,
        hints=(
            "Everything you type in your profile is written back into the edit page's HTML.",
            "View the page source of /user/edit: how is the full name put into the input "
            "element, and where does that attribute end?",
            "A space ends an unquoted attribute: give yourself a name like "
            "'x onmouseover=alert(1)' and move the mouse over the field.",
        ),
    ),
)

TEMPLATE_ATTRIBUTES = frozenset({"id", "name", "type", "maxlength", "required", "value"})


class _FullNameInput(HTMLParser):
    """Collects the attributes of ``<input id="full_name">`` as the browser would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: list[tuple[str, str | None]] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "input" and self.attributes is None and ("id", "full_name") in attrs:
            self.attributes = attrs

    handle_startendtag = handle_starttag


def injected_handlers(page: str) -> list[tuple[str, str]]:
    """Event-handler attributes of the full-name input that the template does not write."""
    parser = _FullNameInput()
    parser.feed(page)
    parser.close()
    return [
        (name, value)
        for name, value in parser.attributes or ()
        if name not in TEMPLATE_ATTRIBUTES and name.startswith("on") and value is not None
    ]


@guarded
def injected_attribute(response) -> None:
    if request.endpoint != "user.edit" or g.get("user") is None:
        return
    if response.mimetype != "text/html" or response.direct_passthrough:
        return
    handlers = injected_handlers(response.get_data(as_text=True))
    if handlers:
        name, value = handlers[0]
        challenges.solved(
            "xss",
            "attribute-injection",
            f"/user/edit rendered the full-name input with an injected {name}={value!r}",
        )


def install(app) -> None:
    """Lab mode only (the framework calls it): watch every response."""
    app.after_request(injected_attribute)
