"""7/code: the full name is written into an unquoted ``value=`` attribute.

Unsafe although Jinja escapes the value: escaping turns ``<``, ``>``, ``&`` and quotes
into entities, but an unquoted attribute ends at the first space, and a space needs no
escaping. A name like ``x onmouseover=alert(document.cookie)`` therefore becomes a second
attribute of the input, an event handler the browser runs when the pointer passes over it.
No Content-Security-Policy is sent, so nothing stops the handler.
"""

from flask import render_template_string
from markupsafe import Markup

FULL_NAME_INPUT = (
    '<input id="full_name" name="full_name" type="text" maxlength="100" required '
    "value={{ value }}>"  # VULNERABLE: unquoted, a space in the name starts a new attribute
)


def full_name_input(value: str) -> Markup:
    return Markup(render_template_string(FULL_NAME_INPUT, value=value))


def content_security_policy(nonce: str) -> str | None:
    return None  # no policy: any script that gets into the page runs
