"""9/fix: defusedxml refuses DTDs, entities and external references; sizes are bounded.

Safe: a document that declares entities is rejected before anything expands or any file
is read, and the size limit comes first, so a huge upload costs nothing.
"""

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from marketplace.uploads import MAX_DOCUMENT_BYTES, UploadError


def parse_listings(data: bytes) -> list[tuple[str, str]]:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UploadError(f"The document is larger than {MAX_DOCUMENT_BYTES // 1024} KiB.")
    try:
        root = fromstring(data, forbid_dtd=True)  # FIX: no DTD, so no entities at all
    except DefusedXmlException as exc:
        raise UploadError(
            f"The document was refused: {exc.__class__.__name__} "
            "(DTDs and entities are not allowed)."
        ) from None
    except ParseError as exc:
        raise UploadError(f"This is not well-formed XML: {exc}.") from None
    if root.tag != "listings":
        raise UploadError(f"The root element must be <listings>, not <{root.tag}>.")
    return [
        (item.findtext("title"), item.findtext("description")) for item in root.findall("listing")
    ]
