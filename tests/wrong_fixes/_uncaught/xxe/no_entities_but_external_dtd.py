"""Wrong fix, not caught yet: ``resolve_entities=False`` that still loads external DTDs.

No entity is substituted, so neither exploit finds anything. But ``load_dtd=True`` with
network access makes the parser fetch whatever DTD the document names: a request from
the server to any URL (server-side request forgery), and an out-of-band channel. No
exploit of the lesson tries an external DTD yet.

Caught by: file-disclosure
"""

from lxml import etree

from marketplace.uploads import UploadError

from ..document import check_size, listings_from


def parse_listings(data: bytes) -> list[tuple[str, str]]:
    check_size(data)
    parser = etree.XMLParser(resolve_entities=False, load_dtd=True, no_network=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise UploadError(f"This is not well-formed XML: {exc}.") from None
    return listings_from(root)
