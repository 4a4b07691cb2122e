"""Wrong fix: a restricted ``Unpickler`` that only lets classes from ``builtins`` through.

The idea comes from the Python documentation's "Restricting Globals", but the docs allow a
handful of harmless names; this allows the whole module, and ``builtins`` has ``exec``,
``eval`` and ``__import__``. A pickle that calls ``exec("...")`` passes the check and runs.

Caught by: pickle-code-execution
"""

import base64
import binascii
import io
import pickle

from ..backup import BackupError, check_size


class _BuiltinsOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if module == "builtins":
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed")


def dump_backup(backup: dict) -> bytes:
    return base64.b64encode(pickle.dumps(backup))


def load_backup(data: bytes) -> object:
    check_size(data)
    try:
        raw = base64.b64decode(data, validate=True)
        return _BuiltinsOnly(io.BytesIO(raw)).load()
    except (binascii.Error, ValueError, pickle.UnpicklingError, EOFError) as exc:
        raise BackupError(f"The backup file was refused: {exc}") from None
