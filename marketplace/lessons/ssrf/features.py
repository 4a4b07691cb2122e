"""What honest sellers need from "add a photo by URL": the image at an address they give
becomes the listing's photo; an address that answers with a web page is refused with a
message.

Nothing outside loopback exists in the lab, and the fixed stage refuses loopback, so the
image server these checks start is let through by the allow-list
(``MARKETPLACE_PHOTO_FETCH_ALLOW``) of the app behind the target, for this check only:
the lab and test setting exists for exactly this. A server of another process cannot be
told, so there the check cannot run. A stage that refuses every URL cannot be tricked into
fetching an internal one, and fails here.
"""

from __future__ import annotations

import secrets

from marketplace.features import REDIRECTS, Broken, CannotRun, Feature, checked, form_errors
from marketplace.photo_client import new_listing, photo_by_url, photo_src, tiny_png

from .loopback_servers import allowed, serve


def _image_server(marker: str):
    return serve(
        {
            "/lamp.png": (200, {"Content-Type": "image/png"}, tiny_png(marker)),
            "/lamp.html": (200, {"Content-Type": "text/html"}, b"<p>A lamp</p>"),
        },
        max_requests=10,
    )


@checked("photo-by-url")
def photo_by_url_works(target, people, details) -> str:
    """The PNG at an (allowed) image server's URL becomes the listing's photo."""
    marker = secrets.token_hex(8)
    person = people.sign_up()
    listing = new_listing(person.http)
    with _image_server(marker) as server:
        host = f"127.0.0.1:{server.port}"
        with allowed(target, host) as ok:
            if not ok:
                raise CannotRun(
                    "the image server cannot be allowed on a server of another process: "
                    f"start it with MARKETPLACE_PHOTO_FETCH_ALLOW={host}"
                )
            url = f"http://{host}/lamp.png"
            reply = photo_by_url(person.http, listing, url)
    details.append(f"photo URL {url}: HTTP {reply.status} {form_errors(reply)}")
    if reply.status not in REDIRECTS:
        raise Broken(f"the image at {url} was not accepted (HTTP {reply.status})")
    src = photo_src(person.http, listing)
    served = person.http.get(src) if src else None
    details.append(f"the listing's photo: {src} (HTTP {served.status if served else '-'})")
    if served is None or served.status != 200 or marker not in served.text:
        raise Broken("the fetched image is not the listing's photo")
    return "the image at an allowed URL becomes the listing's photo"


@checked("non-image-url")
def non_image_url(target, people, details) -> str:
    """An (allowed) address that answers with HTML: 400, a message, no photo."""
    person = people.sign_up()
    listing = new_listing(person.http)
    with _image_server("") as server:
        host = f"127.0.0.1:{server.port}"
        with allowed(target, host) as ok:
            if not ok:
                raise CannotRun("the image server cannot be allowed on this server")
            url = f"http://{host}/lamp.html"
            reply = photo_by_url(person.http, listing, url)
        asked = list(server.requests)
    message = form_errors(reply)
    details.append(f"photo URL {url}: HTTP {reply.status}, {message!r}; served {asked}")
    if reply.status != 400 or "image" not in message:
        raise Broken(f"a web page was not refused as a photo (HTTP {reply.status}, {message!r})")
    if not asked:
        raise Broken("the address was never fetched: the refusal is not about its answer")
    if photo_src(person.http, listing):
        raise Broken("a refused answer still became the listing's photo")
    return f"an address that answers with a web page is refused: {message!r}"


FEATURES = (
    Feature("photo-by-url", "The image at a URL becomes the listing's photo.", photo_by_url_works),
    Feature("non-image-url", "A URL that answers HTML gets a 400 with a message.", non_image_url),
)
