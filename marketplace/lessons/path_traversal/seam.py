"""The seam of the path-traversal lesson: what every stage module defines."""

from typing import Protocol


class PathTraversalSeam(Protocol):
    """Where an uploaded photo is written, and which file ``/media/<name>`` serves."""

    def photo_destination(self, folder: str, filename: str, extension: str) -> str:
        """The path to write a new photo to: ``filename`` is the client's, ``extension``
        (``.png``/``.jpg``) what its bytes are; the view stores the path relative to
        ``folder`` as the listing's photo."""
        ...

    def photo_path(self, folder: str, name: str) -> str:
        """The file to serve for ``/media/<name>``, or ``abort(404)`` with a message."""
        ...
