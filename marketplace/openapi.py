"""The OpenAPI 3.1 description of the JSON API, kept in ``openapi.json`` next to this file.

The tests validate every kind of answer of ``/api/v1/listings`` against it, so the document
and the API cannot drift apart unnoticed; item schemas forbid extra properties, so a field
that leaks into the API fails validation.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from flask import current_app


@cache
def spec_bytes() -> bytes:
    return files("marketplace").joinpath("openapi.json").read_bytes()


def spec() -> dict:
    """The document as a fresh dict."""
    return json.loads(spec_bytes())


def spec_response():
    return current_app.response_class(spec_bytes(), mimetype="application/json")


def response_schema(path: str, method: str, status: int) -> dict:
    """The JSON schema of one response, with the components it refers to alongside."""
    document = spec()
    operation = document["paths"][path][method.lower()]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    # ``#/components/...`` references resolve against the root: give the schema one.
    return {**schema, "components": document["components"]}
