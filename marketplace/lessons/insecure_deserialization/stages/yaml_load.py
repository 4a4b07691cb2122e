"""The backup is YAML, read back with ``yaml.load``.

Fixes the pickle: a pickle is no longer read, so a crafted pickle is just a string.

Still unsafe: ``yaml.load`` with ``yaml.Loader`` (the loader PyYAML used by default before
5.1, and what ``yaml.load(data)`` meant in the course's era) builds Python objects from
tags: ``!!python/object/apply:subprocess.run [["touch", "x"]]`` calls the function while
the file is read. The loader, not the format, is the problem: ``yaml.safe_load`` builds
only dicts, lists, strings and numbers.
"""

import yaml

from ..backup import BackupError, check_size


def dump_backup(backup: dict) -> bytes:
    return yaml.safe_dump(backup, allow_unicode=True, sort_keys=False).encode()


def load_backup(data: bytes) -> object:
    check_size(data)
    try:
        return yaml.load(data, Loader=yaml.Loader)  # VULNERABLE: tags build Python objects
    except yaml.YAMLError as exc:
        raise BackupError(f"The backup file is not valid YAML: {exc}".split("\n")[0]) from None
