"""Wrong fix: ``os.path.normpath`` on the name, with no check of where the path ends up.

``normpath`` tidies a path; it does not confine it. ``a/../b`` becomes ``b``, but
``../../tmp/secret.txt`` stays exactly that (there is nothing before the ``..`` to
cancel), and joined to the uploads folder it still climbs out. The containment check
(is the resolved path still inside the folder?) is the part that was left out.

Caught by: dot-dot-read
"""

import os


def photo_destination(folder: str, filename: str, extension: str) -> str:
    return os.path.join(folder, os.path.normpath(filename))


def photo_path(folder: str, name: str) -> str:
    return os.path.join(folder, os.path.normpath(name))
