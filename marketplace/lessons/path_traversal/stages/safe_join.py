"""beyond/fix: photos get generated names, and ``/media/`` serves only inside the folder.

Safe: a new photo is written as ``<random>.png`` or ``<random>.jpg``; the client's file
name is never part of a path (nor is its extension, which the bytes decide). A name from
the URL goes through Werkzeug's ``safe_join`` (what ``send_from_directory`` uses): ``..``
segments, absolute paths and drive letters give ``None``, so a 404, instead of a path
outside the folder. Nothing is decoded or rewritten before it is checked.
"""

import os
import secrets

from flask import abort
from werkzeug.security import safe_join


def photo_destination(folder: str, filename: str, extension: str) -> str:
    return os.path.join(folder, secrets.token_hex(16) + extension)  # FIX: our name, not theirs


def photo_path(folder: str, name: str) -> str:
    path = safe_join(folder, name)  # FIX: None for anything that would leave the folder
    if path is None:
        abort(404, description="There is no such photo.")
    return path
