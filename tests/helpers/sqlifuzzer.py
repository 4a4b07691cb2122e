"""A small SQL-injection fuzzer, as in the course's chapter 2 test.

It sends a few quote-breaking payloads into one field at a time (the others harmless) and
reports every field where the database choked: an HTTP 5xx, or an error the database
raised while answering (seen through SQLAlchemy's ``handle_error`` event, so a stage that
swallowed the error would still be caught).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import event

from marketplace.extensions import db

# A lone quote (alone, and with a comment cutting off the rest of the statement), the
# course's backslash-quote, a full-width apostrophe (which careless Unicode normalisation
# turns into a quote), and a trailing backslash (it eats the closing quote of E'...').
PAYLOADS = ("'", "'--", "\\'", "\uff07", "\uff07--", "fuzz\\")


@dataclass(frozen=True)
class Finding:
    path: str
    field: str
    payload: str
    status: int
    db_error: str | None

    def __str__(self) -> str:
        cause = self.db_error or "no database error recorded"
        return f"{self.path} {self.field}={self.payload!r}: HTTP {self.status} ({cause})"


def sqli_fuzzer(app, http, path: str, fields: list[str], method: str = "POST") -> list[Finding]:
    """Fuzz ``fields`` of the form at ``path`` (``GET``: query string) through ``http``."""
    errors: list[str] = []

    def record(context) -> None:
        errors.append(f"{type(context.original_exception).__name__}: {context.original_exception}")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "handle_error", record)
    findings = []
    try:
        for payload in PAYLOADS:
            for field in fields:
                data = {name: "foo" for name in fields}
                data[field] = payload
                errors.clear()
                if method == "GET":
                    status = http.get(f"{path}?{urlencode(data)}").status
                else:
                    status = http.submit(path, data).status
                if status >= 500 or errors:
                    first = errors[0].splitlines()[0][:160] if errors else None
                    findings.append(Finding(path, field, payload, status, first))
    finally:
        event.remove(engine, "handle_error", record)
    return findings
