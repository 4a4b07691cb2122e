"""What honest sellers need from "export my listings": their listings, exactly, as CSV.

An export with a plain name (spaces included) downloads a ``.tar.gz`` holding
``listings.csv`` with every listing, commas, quotes and accents intact; an empty name is
refused with a message. An export that refuses every name cannot run a command, and is
no fix.
"""

from __future__ import annotations

import csv
import io
import secrets
import tarfile

from marketplace.features import REDIRECTS, Broken, Feature, checked, create_listing, form_errors


def export(http, filename: str):
    return http.submit("/user/export", {"filename": filename})


def csv_rows(content: bytes) -> list[list[str]]:
    """The rows of ``listings.csv`` inside a .tar.gz; ``Broken`` if it is not there."""
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as tar:
            member = tar.extractfile("listings.csv")
            if member is None:
                raise Broken("the archive's listings.csv is not a file")
            text = member.read(1024 * 1024).decode("utf-8")
    except (tarfile.TarError, KeyError, EOFError, OSError) as exc:
        raise Broken(f"the download is not a .tar.gz with listings.csv ({exc})") from None
    return list(csv.reader(io.StringIO(text)))


@checked("export-listings")
def export_listings(target, people, details) -> str:
    """Two listings (a comma, quotes, an accent) come back exactly, under a name with a space."""
    tag = secrets.token_hex(4)
    person = people.sign_up()
    listings = [
        (f"Café table {tag}", 'Oak, 80 cm; "as new".'),
        (f"Lamp {tag}", "Brass, works."),
    ]
    for title, description in listings:
        if create_listing(person.http, title, description).status not in REDIRECTS:
            raise Broken(f"could not create the listing {title!r}")
    filename = f"my listings {tag}.tar.gz"
    reply = export(person.http, filename)
    details.append(
        f"export as {filename!r}: HTTP {reply.status} {reply.headers.get('Content-Type')}"
    )
    if reply.status != 200:
        raise Broken(f"the export answered HTTP {reply.status}: {form_errors(reply)!r}")
    rows = csv_rows(reply.content)
    got = sorted((row[0], row[1]) for row in rows[1:] if len(row) >= 2)
    if rows[:1] != [["title", "description", "created"]] or got != sorted(listings):
        raise Broken(f"the archive's CSV does not hold the seller's listings: {rows!r}")
    if tag not in reply.headers.get("Content-Disposition", ""):
        raise Broken("the download does not carry the file name the seller chose")
    return f"the .tar.gz holds listings.csv with both listings, as {filename!r}"


@checked("empty-filename")
def empty_filename(target, people, details) -> str:
    """An empty name: 400 with a message, no download."""
    person = people.sign_up()
    reply = export(person.http, "  ")
    message = form_errors(reply)
    details.append(f"export with an empty name: HTTP {reply.status}, {message!r}")
    if reply.status != 400 or not message:
        raise Broken(f"an empty file name answers HTTP {reply.status}, not 400 with a message")
    return f"an empty file name is refused (400): {message!r}"


FEATURES = (
    Feature(
        "export-listings", "Export downloads the listings as CSV in a .tar.gz.", export_listings
    ),
    Feature("empty-filename", "An empty file name gets a 400 with a message.", empty_filename),
)
