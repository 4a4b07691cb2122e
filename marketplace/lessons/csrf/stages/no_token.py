"""6/code: the listing forms are protected by authentication alone.

Unsafe because the browser attaches the victim's session cookie to any request it sends
to the marketplace, including a form that another page submits. The server sees a
logged-in user and a well-formed form, and cannot tell that the user never saw it: no
secret token proves the form came from our own page, and the Origin header is ignored.
"""


def listing_form_meta() -> dict:
    return {"csrf": False}  # VULNERABLE: a form from anywhere is accepted


def check_origin(request) -> str | None:
    return None  # VULNERABLE: a POST from another origin is not refused
