"""Wrong fix (disables the feature): every restore is refused.

No file is read, so no file runs anything, and no seller can bring their listings back.

Caught by: feature backup-roundtrip
"""

import json

from ..backup import BackupError


def dump_backup(backup: dict) -> bytes:
    return json.dumps(backup).encode()


def load_backup(data: bytes) -> object:
    raise BackupError("Restoring backups is disabled.")
