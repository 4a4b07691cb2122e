"""Wrong fix: keep pickle, but sign the backup with an HMAC and check it before loading.

A file that was not signed with the key is refused, which is right. But the key is written
in the source, and it is one of the keys every tutorial uses: anyone with the code, or with
a wordlist and their own signed backup to test guesses against, signs a crafted pickle, and
``pickle.loads`` runs it. The signature protects the file only as well as the key is kept.

Caught by: pickle-code-execution
"""

import base64
import binascii
import hashlib
import hmac
import pickle

from ..backup import BackupError, check_size

BACKUP_KEY = b"change-me"  # the flaw: a key in the source, and a guessable one


def _tag(body: bytes) -> bytes:
    return hmac.new(BACKUP_KEY, body, hashlib.sha256).hexdigest().encode()


def dump_backup(backup: dict) -> bytes:
    body = base64.b64encode(pickle.dumps(backup))
    return body + b"." + _tag(body)


def load_backup(data: bytes) -> object:
    check_size(data)
    body, _, tag = data.strip().rpartition(b".")
    if not hmac.compare_digest(_tag(body), tag):
        raise BackupError("This backup was not made by this site (bad signature).")
    try:
        return pickle.loads(base64.b64decode(body, validate=True))
    except (binascii.Error, ValueError, pickle.UnpicklingError, EOFError):
        raise BackupError("The backup file is damaged.") from None
