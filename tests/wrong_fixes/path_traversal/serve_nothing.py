"""Wrong fix (disables the feature): ``/media/`` answers 404 for every name.

No file outside the folder is served, and no photo either: every listing's photo is a
broken image.

Caught by: feature photo-upload
"""

import os
import secrets

from flask import abort


def photo_destination(folder: str, filename: str, extension: str) -> str:
    return os.path.join(folder, secrets.token_hex(16) + extension)


def photo_path(folder: str, name: str) -> str:
    abort(404, description="Photos are switched off.")
