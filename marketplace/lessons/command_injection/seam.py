"""The seam of the command-injection lesson: what every stage module defines."""

from pathlib import Path
from typing import Protocol


class CommandInjectionSeam(Protocol):
    """Packing the seller's exported listings into a ``.tar.gz`` ("export my listings")."""

    def build_archive(self, folder: Path, filename: str) -> Path:
        """Pack ``folder / "listings.csv"`` into a gzip-compressed tar archive inside
        ``folder`` and return the archive's path. ``filename`` is the name the seller asked
        the download to have. Raises ``marketplace.exports.ExportError`` with a message
        when the archive cannot be made."""
        ...
