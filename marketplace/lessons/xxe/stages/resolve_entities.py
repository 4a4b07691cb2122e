"""9/code: lxml parses the upload with entity resolution switched on.

Unsafe: the document's own DTD decides what the parser does. An external entity
(``<!ENTITY x SYSTEM "file:///...">``) makes the server read a file of its choosing and
paste it into a listing; nested internal entities multiply (ten of ten of ten...), so a few
hundred bytes become megabytes after the size check has passed. lxml 5 and later resolve
only internal entities by default, so this stage has to opt in with
``resolve_entities=True``, which was the default of lxml 4 and earlier (the course's era).
The only brake left is libxml2's own cap on the amplification factor.
"""

from lxml import etree

from marketplace.uploads import UploadError

from ..document import check_size, listings_from


def parse_listings(data: bytes) -> list[tuple[str, str]]:
    check_size(data)  # counts the bytes received, not what the entities expand to
    parser = etree.XMLParser(resolve_entities=True)  # VULNERABLE: the DTD's entities are obeyed
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise UploadError(f"This is not well-formed XML: {exc}.") from None
    return listings_from(root)
