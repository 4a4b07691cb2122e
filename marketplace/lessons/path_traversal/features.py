"""What honest sellers need from listing photos: a PNG or JPEG they upload is shown on the
listing's page and served at ``/media/``; anything else is refused with a message.

A ``/media/`` that serves nothing cannot serve a file outside the folder, and an upload
that refuses every file cannot write one: these checks catch such "fixes".
"""

from __future__ import annotations

import secrets

from marketplace.features import REDIRECTS, Broken, Feature, checked, form_errors
from marketplace.photo_client import new_listing, photo_src, tiny_jpeg, tiny_png, upload_photo


@checked("photo-upload")
def photo_upload(target, people, details) -> str:
    """A PNG, then a JPEG (with a space in its name): each is shown and served as sent."""
    person = people.sign_up()
    listing = new_listing(person.http)
    png, jpeg = secrets.token_hex(6), secrets.token_hex(6)  # a text inside each image
    for name, data, kind, marker in (
        (f"lamp {secrets.token_hex(4)}.png", tiny_png(png), "image/png", png),
        (f"lamp-{secrets.token_hex(4)}.jpeg", tiny_jpeg(jpeg), "image/jpeg", jpeg),
    ):
        reply = upload_photo(person.http, listing, name, data, kind)
        details.append(f"upload {name!r}: HTTP {reply.status} {form_errors(reply)}")
        if reply.status not in REDIRECTS:
            raise Broken(f"uploading {name!r} failed (HTTP {reply.status}): {form_errors(reply)}")
        src = photo_src(person.http, listing)
        if not src:
            raise Broken(f"after uploading {name!r} the listing's page shows no photo")
        served = person.http.get(src)
        details.append(f"GET {src}: HTTP {served.status}")
        if served.status != 200 or marker not in served.text:
            raise Broken(f"the photo at {src} is not served (HTTP {served.status})")
    return "a PNG and a JPEG are each shown on the listing's page and served at /media/"


@checked("photo-refused")
def photo_refused(target, people, details) -> str:
    """A text file named .png and a GIF: 400, a message, the photo unchanged.

    (Over 1 MiB the request itself is refused with 413: the lesson's tests send that one.)
    """
    person = people.sign_up()
    listing = new_listing(person.http)
    for name, data in (
        ("notes.png", b"These are my notes, not an image.\n"),
        ("lamp.gif", b"GIF89a\x01\x00\x01\x00" + b"\0" * 16),
    ):
        reply = upload_photo(person.http, listing, name, data)
        message = form_errors(reply)
        details.append(f"upload {name!r} ({len(data)} bytes): HTTP {reply.status}, {message!r}")
        if reply.status != 400:
            raise Broken(f"{name!r} was not refused (HTTP {reply.status})")
        if not message:
            raise Broken(f"{name!r} was refused without a message")
    if photo_src(person.http, listing):
        raise Broken("a refused upload still became the listing's photo")
    return "files that are not a PNG or a JPEG are refused with a message"


FEATURES = (
    Feature("photo-upload", "A PNG or JPEG photo is shown and served at /media/.", photo_upload),
    Feature(
        "photo-refused",
        "A file that is not a PNG or JPEG gets a 400 with a message.",
        photo_refused,
    ),
)
