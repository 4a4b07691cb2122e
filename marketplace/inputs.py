"""Input hygiene shared by every route: refuse what no legitimate client ever sends."""

from __future__ import annotations

from flask import abort, request

# The methods that change state: forms, the Origin check and the NUL check apply to these.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refuse_nul_characters() -> None:
    """Before each request: a NUL character in a form field is a 400.

    No browser form contains one, SQLite would store it and PostgreSQL refuses it with an
    error (which would surface as a 500). Query parameters are checked where they are read
    (page numbers, cursors, the search), so their messages stay specific.
    """
    fields = []
    if request.method in UNSAFE_METHODS and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        fields += list(request.form.items(multi=True))
    for key, value in fields:
        if "\x00" in key or "\x00" in value:
            abort(400, description="The request contains a NUL character; remove it and retry.")
