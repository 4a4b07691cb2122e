"""The challenge detectors of the path-traversal lesson, called by the photo views.

They look at the path a stage actually chose, never at the stage: a file served from, or
written to, a place outside the uploads folder is the effect the challenges ask for.
"""

from __future__ import annotations

import os

from marketplace import challenges

SLUG = "path-traversal"


def outside(folder: str, path: str) -> bool:
    """Does ``path`` (symbolic links resolved) lie outside ``folder``?"""
    root, where = os.path.realpath(folder), os.path.realpath(path)
    return os.path.commonpath([root, where]) != root


def nested(name: str) -> bool:
    """A name that still climbs after one pass of removing ``../`` (``..././``, ``....//``)."""
    return "../" in name.replace("\\", "/").replace("../", "")


def served(folder: str, name: str, path: str) -> None:
    if outside(folder, path):
        exploit = "nested-dot-dot-read" if nested(name) else "dot-dot-read"
        challenges.solved(SLUG, exploit, f"/media/{name} served {path}, outside the uploads folder")


def written(folder: str, filename: str, path: str) -> None:
    if outside(folder, path):
        challenges.solved(
            SLUG,
            "upload-filename-write",
            f"an upload named {filename!r} was written to {path}, outside the uploads folder",
        )
