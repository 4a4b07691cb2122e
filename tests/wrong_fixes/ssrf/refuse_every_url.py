"""Wrong fix (disables the feature): no photo is ever fetched by URL.

Nothing internal can be reached, and nothing else either: "add a photo by URL" is gone.

Caught by: feature photo-by-url
"""

from marketplace.photos import FetchedPhoto, PhotoError


def fetch_photo(url: str) -> FetchedPhoto:
    raise PhotoError("Photos by URL are switched off.")
