"""What honest users need from the XML upload: good documents work, bad ones say why.

A valid document creates its listings, with an escaped ``&amp;`` and CDATA content
(markup characters meant as text) intact; a malformed one answers 400 with a message and
creates nothing. A parser that refuses everything cannot leak a file, and is no fix.
"""

from __future__ import annotations

import secrets

from marketplace.features import (
    REDIRECTS,
    Broken,
    Feature,
    checked,
    form_errors,
    own_listings,
)


def upload(http, document: bytes):
    return http.submit(
        "/listings/upload",
        {},
        files={"file": ("listings.xml", document, "application/xml")},
    )


@checked("valid-upload")
def valid_upload(target, people, details) -> str:
    """Two listings, one with &amp; and one with CDATA, are created exactly."""
    tag = secrets.token_hex(4)
    person = people.sign_up()
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<listings>\n'
        f"  <listing><title>Salt &amp; pepper mill {tag}</title>"
        "<description>Oak &amp; steel, 20 cm.</description></listing>\n"
        f"  <listing><title>Kayak {tag}</title>"
        '<description><![CDATA[Fits <2 m> cars & vans; "as new".]]></description></listing>\n'
        "</listings>\n"
    ).encode()
    reply = upload(person.http, document)
    details.append(f"upload: HTTP {reply.status} {form_errors(reply)}")
    expected = {
        (f"Salt & pepper mill {tag}", "Oak & steel, 20 cm."),
        (f"Kayak {tag}", 'Fits <2 m> cars & vans; "as new".'),
    }
    created = {(t, d) for _, t, d in own_listings(person.http)}
    if reply.status not in REDIRECTS or created != expected:
        raise Broken(f"a valid document did not create its two listings: {sorted(created)!r}")
    return "a valid document creates its listings, &amp; and CDATA intact"


@checked("malformed-upload")
def malformed_upload(target, people, details) -> str:
    """A document that is not well-formed: 400, a message, and no listing."""
    person = people.sign_up()
    document = b"<listings><listing><title>Half a kayak</title></listings>"
    reply = upload(person.http, document)
    message = form_errors(reply)
    details.append(f"upload: HTTP {reply.status}, message {message!r}")
    if reply.status != 400:
        raise Broken(f"a malformed document answers HTTP {reply.status}, not 400")
    if not message:
        raise Broken("a malformed document is refused without a message")
    if own_listings(person.http):
        raise Broken("a malformed document created listings")
    return f"a malformed document is refused (400): {message!r}"


FEATURES = (
    Feature("valid-upload", "A valid document creates its listings.", valid_upload),
    Feature(
        "malformed-upload",
        "A malformed document gets a 400 with a message.",
        malformed_upload,
    ),
)
