"""Wrong fix (disables the feature): a listing POST must carry a header forms never send.

An ``X-Requested-With`` header cannot be set by a cross-origin form, so the forged post
is refused. Neither can the app's own HTML forms set it: nobody can post, edit or delete
a listing any more.

Caught by: feature own-forms-submit
"""

from marketplace.security import origin_refusal


def listing_form_meta() -> dict:
    return {"csrf": True}


def check_origin(request) -> str | None:
    listing_form = request.path.startswith("/listings/")
    if listing_form and request.headers.get("X-Requested-With") != "XMLHttpRequest":
        return "Refused: requests must come from the app's scripts."
    return origin_refusal(request)
