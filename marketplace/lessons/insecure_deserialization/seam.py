"""The seam of the insecure-deserialization lesson: what every stage module defines."""

from typing import Any, Protocol


class InsecureDeserializationSeam(Protocol):
    """Writing and reading the backup file of a seller's listings."""

    def dump_backup(self, backup: dict[str, Any]) -> bytes:
        """The file for ``backup`` (``{"format", "version", "listings": [{title,
        description}]}``), as text bytes."""
        ...

    def load_backup(self, data: bytes) -> Any:
        """The backup read back from a file; raises
        ``marketplace.lessons.insecure_deserialization.backup.BackupError`` with a message
        for a file that cannot be read."""
        ...
