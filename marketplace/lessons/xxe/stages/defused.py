"""9/fix: defusedxml refuses DTDs, entities and external references; sizes are bounded.

Safe: a document that declares a DTD is rejected before any entity expands or any file is
read, so neither the file-disclosure nor the entity-expansion document gets anywhere. The
size limit comes first, so a huge upload costs nothing to refuse, and the view caps the
number of listings.
"""

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from marketplace.uploads import UploadError

from ..document import check_size, listings_from


def parse_listings(data: bytes) -> list[tuple[str, str]]:
    check_size(data)
    try:
        root = fromstring(data, forbid_dtd=True)  # FIX: no DTD, so no entities at all
    except DefusedXmlException as exc:
        raise UploadError(
            f"The document was refused: {exc.__class__.__name__} "
            "(DTDs and entities are not allowed)."
        ) from None
    except ParseError as exc:
        raise UploadError(f"This is not well-formed XML: {exc}.") from None
    return listings_from(root)
