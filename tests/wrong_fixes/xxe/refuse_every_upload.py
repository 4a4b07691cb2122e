"""Wrong fix (disables the feature): the upload refuses every document.

No document is parsed, so no entity is ever resolved, and no listing is ever uploaded.

Caught by: feature valid-upload
"""

from marketplace.uploads import UploadError


def parse_listings(data: bytes) -> list[tuple[str, str]]:
    raise UploadError("Uploads are disabled.")
