"""Wrong fix: take the spaces out of the name, so the unquoted attribute cannot be split.

With no space, ``x onmouseover=...`` becomes one harmless word. But every honest name
with a space ("Mary Ann O'Neil") is shown, and saved back, without its spaces; and an
unquoted attribute also ends at a tab or a newline, which this filter lets through.

Caught by: feature full-name-round-trip
"""

from flask import render_template_string
from markupsafe import Markup

FULL_NAME_INPUT = (
    '<input id="full_name" name="full_name" type="text" maxlength="100" required value={{ value }}>'
)


def full_name_input(value: str) -> Markup:
    return Markup(render_template_string(FULL_NAME_INPUT, value=value.replace(" ", "")))


def content_security_policy(nonce: str) -> str | None:
    return None
