"""What both stages of the xxe lesson share: the size limit and reading the parsed tree.

The stages differ only in how the bytes become a tree; what a tree must look like (a
``<listings>`` root with ``<listing>`` children) is the same, and so are its messages.
"""

from __future__ import annotations

from marketplace.uploads import MAX_DOCUMENT_BYTES, UploadError


def check_size(data: bytes) -> None:
    """Refuse a document larger than the limit before parsing it."""
    if not data.strip():
        raise UploadError("The file is empty: upload an XML document of <listings>.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UploadError(
            f"The document is too large: {len(data) // 1024} KiB, "
            f"at most {MAX_DOCUMENT_BYTES // 1024} KiB per upload."
        )


def tag_name(element) -> str:
    tag = element.tag
    return tag if isinstance(tag, str) else repr(tag)


def listings_from(root) -> list[tuple[str, str]]:
    """(title, description) of each ``<listing>`` under a ``<listings>`` root."""
    if root.tag != "listings":
        raise UploadError(f"The root element must be <listings>, not <{tag_name(root)}>.")
    return [
        (item.findtext("title"), item.findtext("description")) for item in root.findall("listing")
    ]
