"""Wrong fix: ``resolve_entities="internal"``, lxml's own default since 5.0.

External entities are no longer read, so no file leaks. But the document's internal
entities are still expanded, and nested ones multiply: a few hundred bytes still become
thousands of characters after the size check (a "billion laughs" in small).

Caught by: entity-expansion
"""

from lxml import etree

from marketplace.uploads import UploadError

from ..document import check_size, listings_from


def parse_listings(data: bytes) -> list[tuple[str, str]]:
    check_size(data)
    parser = etree.XMLParser(resolve_entities="internal")
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise UploadError(f"This is not well-formed XML: {exc}.") from None
    return listings_from(root)
