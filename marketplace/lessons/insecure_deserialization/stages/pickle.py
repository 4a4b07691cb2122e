"""The backup is a pickle (base64, so it downloads as text).

Unsafe: ``pickle.loads`` rebuilds whatever objects the file describes, and a pickle can
describe "call this function with these arguments" (``__reduce__``). Restoring a crafted
file runs any callable on the server (``subprocess.run``, ``exec``) before the code that
checks the listings ever sees a value. Signing the file would only move the problem to
the key.
"""

import base64
import binascii
import pickle

from ..backup import BackupError, check_size


def dump_backup(backup: dict) -> bytes:
    return base64.b64encode(pickle.dumps(backup))


def load_backup(data: bytes) -> object:
    check_size(data)
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise BackupError("This is not a backup file from this site (not base64).") from None
    try:
        return pickle.loads(raw)  # VULNERABLE: the file says which objects to build and call
    except (pickle.UnpicklingError, EOFError):
        raise BackupError("The backup file is damaged (not a pickle).") from None
