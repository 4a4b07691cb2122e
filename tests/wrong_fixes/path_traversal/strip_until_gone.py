"""Wrong fix: remove ``../`` again and again until none is left, and keep the client's name.

Reading is now confined (no ``..`` segment survives, and a URL cannot start the name with
``/``). But the upload still stores the file under the client's own file name, and an
absolute name (``/tmp/x/lamp.png``) makes ``os.path.join`` drop the uploads folder
altogether: the photo is written wherever the name says.

Caught by: upload-filename-write
"""

import os


def _strip(name: str) -> str:
    while "../" in name:
        name = name.replace("../", "")
    return name


def photo_destination(folder: str, filename: str, extension: str) -> str:
    return os.path.join(folder, _strip(filename))


def photo_path(folder: str, name: str) -> str:
    return os.path.join(folder, _strip(name))
