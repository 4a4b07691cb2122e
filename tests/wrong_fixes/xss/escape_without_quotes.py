"""Wrong fix: ``html.escape(value, quote=False)`` into the unquoted attribute.

Escaping ``<``, ``>`` and ``&`` is what people remember about XSS. But the attribute has
no quotes, so it ends at the first space, and a space needs no escaping: a full name like
``x onmouseover=alert(1)`` still adds an event handler to the input.

Caught by: attribute-injection
"""

import html

from markupsafe import Markup


def full_name_input(value: str) -> Markup:
    escaped = html.escape(value, quote=False)
    return Markup(
        '<input id="full_name" name="full_name" type="text" maxlength="100" required '
        f"value={escaped}>"
    )


def content_security_policy(nonce: str) -> str | None:
    return None
