"""Wrong fix (disables the feature): every export is refused.

No archive is made, so no command runs, and no seller gets their listings either.

Caught by: feature export-listings
"""

from pathlib import Path

from marketplace.exports import ExportError


def build_archive(folder: Path, filename: str) -> Path:
    raise ExportError("Exports are disabled.")
