"""What honest API clients need: every public field the OpenAPI document promises.

The check reads the app's own OpenAPI document (``/api/v1/openapi.json``), posts a
listing with a fresh account, and finds it in ``/api/v1/listings``: the page has every
required field, and the listing every field of the ``Listing`` schema (its ``author`` every
field of ``Author``) with the right type and the values posted. Extra fields are the
exploits' business; a serialiser that returns ``{}`` or drops the author is caught here.
"""

from __future__ import annotations

import json
import re
import secrets

from marketplace.features import Broken, Feature, checked, create_listing

JSON_TYPES = {"integer": int, "string": str, "array": list, "object": dict}


def _resolve(spec: dict, schema: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        node = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node
    return schema


def _problems(spec: dict, schema: dict, value, where: str) -> list[str]:
    """What ``value`` lacks of ``schema``'s required fields, types and patterns."""
    schema = _resolve(spec, schema)
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    if value is None and "null" in kinds:
        return []
    expected = [JSON_TYPES[k] for k in kinds if k in JSON_TYPES]
    if expected and not (isinstance(value, tuple(expected)) and not isinstance(value, bool)):
        return [f"{where} is {type(value).__name__}, not {'/'.join(kinds)}"]
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        return [f"{where} = {value!r} does not match {schema['pattern']}"]
    problems = []
    if isinstance(value, dict):
        for name in schema.get("required", ()):
            if name not in value:
                problems.append(f"{where}.{name} is missing")
                continue
            sub = schema.get("properties", {}).get(name, {})
            problems += _problems(spec, sub, value[name], f"{where}.{name}")
    return problems


@checked("api-public-fields")
def api_public_fields(target, people, details) -> str:
    """The API's page and the new listing have every field the OpenAPI document names."""
    http = target.session()
    reply = http.get("/api/v1/openapi.json")
    try:
        spec = json.loads(reply.text)
        schemas = spec["components"]["schemas"]
        page_schema, listing_schema = schemas["ListingPage"], schemas["Listing"]
    except (ValueError, KeyError) as exc:
        raise Broken(f"the OpenAPI document is unreadable (HTTP {reply.status}): {exc}") from None
    person = people.sign_up()
    title = f"API kayak {secrets.token_hex(4)}"
    create_listing(person.http, title, "Listed for the API check.")
    reply = http.get("/api/v1/listings?per_page=100")
    try:
        body = json.loads(reply.text)
    except ValueError:
        raise Broken(f"/api/v1/listings is not JSON (HTTP {reply.status})") from None
    problems = _problems(spec, page_schema, body, "page")
    items = body.get("items") if isinstance(body, dict) else None
    mine = [i for i in items or () if isinstance(i, dict) and i.get("title") == title]
    if not mine:
        problems.append(f"the new listing {title!r} is not among the API's items")
    else:
        problems += _problems(spec, listing_schema, mine[0], "listing")
        author = mine[0].get("author")
        if isinstance(author, dict) and author.get("full_name") != person.full_name:
            problems.append(f"listing.author.full_name is {author.get('full_name')!r}")
        if mine[0].get("description") != "Listed for the API check.":
            problems.append("listing.description is not the text posted")
    details.extend(problems)
    if problems:
        raise Broken(f"the API lacks public fields its OpenAPI document names: {problems[0]}")
    fields = ", ".join(listing_schema.get("required", ()))
    return f"the API returns every public field ({fields}, author.id, author.full_name)"


FEATURES = (
    Feature(
        "api-public-fields",
        "/api/v1/listings returns every public field the OpenAPI document names.",
        api_public_fields,
    ),
)
