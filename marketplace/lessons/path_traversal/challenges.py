"""The path-traversal lesson's challenges; the detectors are in ``detect.py`` (called by
the photo views when a file outside the uploads folder is served or written)."""

from marketplace.challenges import Challenge

CHALLENGES = (
    Challenge(
        exploit="dot-dot-read",
        goal="Make /media/ show you a file that is not in the uploads folder.",
        difficulty=1,
        hints=(
            "Look at the address of a listing's photo: the part after /media/ is a file name.",
            "The server joins that name to its uploads folder; what does .. mean in a path?",
            "Your HTTP client removes ../ from URLs; send the slashes as %2F: "
            "/media/..%2F..%2F..%2Ftmp%2Fsome-file.",
        ),
    ),
    Challenge(
        exploit="nested-dot-dot-read",
        goal='Read a file outside the uploads folder although the server now removes "../".',
        difficulty=2,
        hints=(
            "The filter removes every ../ it finds, but it only looks once.",
            "What is left of ..././ after its ../ is removed?",
            "Repeat ..././ (sent as ...%2F.%2F) enough times to reach the root, then the path.",
        ),
    ),
    Challenge(
        exploit="upload-filename-write",
        goal="Upload a photo that ends up somewhere other than the uploads folder.",
        difficulty=2,
        hints=(
            "Which name does the server give the file it stores?",
            "The file name is part of the multipart form; your client lets you choose it.",
            "curl -F 'photo=@lamp.png;filename=..././..././tmp/x/lamp.png' (or an absolute name).",
        ),
    ),
)
