"""Beyond the course: ``next`` must start with ``/``, "so it is a path on this site".

Still unsafe: a browser reads ``//evil.example/`` as "the same scheme, host evil.example"
(a scheme-relative URL). It starts with ``/``. So do ``/\\evil.example/`` (browsers read a
backslash as a slash) and ``/<TAB>/evil.example/`` (browsers, and Werkzeug writing the
``Location`` header, drop tabs and newlines).
"""


def after_login(next_value: str | None, fallback: str) -> str:
    if next_value and next_value.startswith("/"):  # VULNERABLE: "//host" starts with "/" too
        return next_value
    return fallback
