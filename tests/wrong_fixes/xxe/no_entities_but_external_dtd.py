"""Wrong fix: ``resolve_entities=False`` that still loads external DTDs.

No entity is substituted, so the canary entity finds nothing. But ``load_dtd=True`` makes
the parser open whatever file a document names as its external DTD
(``<!DOCTYPE listings SYSTEM "file:///...">``): an existing file is read and rejected as
"not a DTD", by name, a missing one is skipped, so the answer tells whether any path
exists on the server; a device or a pipe there blocks the worker; and with a libxml2
that still speaks HTTP (before 2.13) the same line makes the server request any address
(server-side request forgery). file-disclosure names an existing and a missing file as
the external DTD and sees the two answers differ. (With this libxml2 the file's text does
not leak: external parameter entities are not read unless the parser validates.)

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
