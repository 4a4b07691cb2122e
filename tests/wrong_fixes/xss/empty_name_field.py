"""Wrong fix (disables the feature): the full-name input is always rendered empty.

Nothing the user typed reaches the page, so nothing can be injected. The profile form
no longer shows the user's name, and saving it without retyping fails.

Caught by: feature full-name-round-trip
"""

from markupsafe import Markup


def full_name_input(value: str) -> Markup:
    return Markup(
        '<input id="full_name" name="full_name" type="text" maxlength="100" required value="">'
    )


def content_security_policy(nonce: str) -> str | None:
    return None
