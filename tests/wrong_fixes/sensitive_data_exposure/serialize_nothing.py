"""Wrong fix (disables the feature): each listing is serialised as an empty object.

Nothing leaks, because nothing is sent: API clients get ``{}`` for every listing.

Caught by: feature api-public-fields
"""


def serialize_listing(listing) -> dict:
    return {}
