"""beyond/fix: ``../`` is removed from the name before joining it to the uploads folder.

Still unsafe: the replacement runs once over the string, so what it removes can leave a
new ``../`` behind. ``..././`` (or ``....//``) becomes ``../`` after one pass, and the
name climbs out of the folder as before, for reading and for writing.
"""

import os


def _strip(name: str) -> str:
    return name.replace("../", "")  # VULNERABLE: one pass; "..././" becomes "../"


def photo_destination(folder: str, filename: str, extension: str) -> str:
    return os.path.join(folder, _strip(filename))


def photo_path(folder: str, name: str) -> str:
    return os.path.join(folder, _strip(name))
