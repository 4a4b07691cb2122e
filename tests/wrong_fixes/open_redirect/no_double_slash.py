"""Wrong fix: starts with ``/`` and not with ``//``, "so no other host can follow".

It closes ``//evil.example/`` and forgets that the text is not what the browser follows:
``/<TAB>/evil.example/`` starts with one slash, and the tab is dropped on the way (Werkzeug
writes the ``Location`` header as ``//evil.example/``; browsers drop tabs and newlines too).
``/\\evil.example/`` works the same way wherever the backslash reaches the browser.

Caught by: scheme-relative-redirect
"""


def after_login(next_value: str | None, fallback: str) -> str:
    if next_value and next_value.startswith("/") and not next_value.startswith("//"):
        return next_value
    return fallback
