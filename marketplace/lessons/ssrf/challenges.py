"""The ssrf lesson's challenges; the detector is in ``detect.py`` (called by the photo view
when a fetch got an answer from an address that is not public and not allow-listed)."""

from marketplace.challenges import Challenge

CHALLENGES = (
    Challenge(
        exploit="internal-service-read",
        goal="Make the server fetch a photo from a service only the server itself can reach.",
        difficulty=1,
        hints=(
            "The photo URL is fetched by the server, not by your browser.",
            "What is 127.0.0.1 when the server resolves it? Start a small server of your own "
            "on loopback (python -m http.server --bind 127.0.0.1).",
            "Give http://127.0.0.1:<port>/<an image there> as the listing's photo URL.",
        ),
    ),
    Challenge(
        exploit="blocklist-bypass",
        goal="Reach a loopback service although localhost and 127.0.0.1 are refused.",
        difficulty=2,
        hints=(
            "The check compares the host as text; the connection uses an address.",
            "There are many ways to write 127.0.0.1: as one number, in hexadecimal, shortened, "
            "or as an IPv6 address.",
            "Try http://127.1:<port>/..., http://2130706433:<port>/..., or a page of yours that "
            "redirects to http://127.0.0.1:<port>/...",
        ),
    ),
)
