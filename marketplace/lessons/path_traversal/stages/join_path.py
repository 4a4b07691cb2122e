"""beyond/code: the photo's path is ``os.path.join(uploads, name)`` with the client's name.

Unsafe: ``name`` comes from the URL and ``filename`` from the upload, and both may hold
``../`` segments (or be absolute paths, which make ``os.path.join`` drop the folder
altogether). ``/media/../../../tmp/secret.txt`` serves any file the server can read, and a
photo uploaded as ``../../x.png`` is written wherever the server may write.
"""

import os


def photo_destination(folder: str, filename: str, extension: str) -> str:
    return os.path.join(folder, filename)  # VULNERABLE: the client's name, ../ and all


def photo_path(folder: str, name: str) -> str:
    return os.path.join(folder, name)  # VULNERABLE: ../ in the URL climbs out of the folder
