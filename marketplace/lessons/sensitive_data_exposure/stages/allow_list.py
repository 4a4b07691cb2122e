"""10/fix: the API returns an explicit allow-list of fields, nothing else.

Safe: a column added to the model later (a token, a flag) stays private until someone
deliberately adds it here.
"""


def serialize_listing(listing) -> dict:
    return {  # FIX: only these fields ever leave the server
        "id": listing.id,
        "title": listing.title,
        "description": listing.description,
        "created_at": listing.created_at.isoformat() + "Z",
        "author": {"id": listing.author.id, "full_name": listing.author.full_name},
    }
