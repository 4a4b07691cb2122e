"""Listing photos: the owner adds one (a file, or a URL the server fetches), everyone sees it
at ``/media/<name>``.

Where a photo is written and which file a name serves is the path-traversal lesson's seam;
how a URL is fetched is the ssrf lesson's. What they share (PNG or JPEG by their first
bytes, 1 MiB, the messages) is ``marketplace.photos``. Each lesson's detector watches
what actually happened (a file served or written outside the uploads folder, an internal
address that answered) and reports the challenge as solved.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    url_for,
)
from flask_wtf.file import FileField
from wtforms import URLField
from wtforms.validators import Length, Optional

from . import auth
from .extensions import db
from .forms import Form, ListingForm
from .lessons import active
from .lessons.path_traversal import detect as traversal
from .lessons.ssrf import detect as forgery
from .models import ID_MAX, PHOTO_NAME_MAX, Listing
from .photos import MAX_PHOTO_BYTES, PhotoError, image_extension

bp = Blueprint("media", __name__)

URL_MAX = 2000


@bp.record_once
def _make_uploads_folder(state) -> None:
    """The folder exists from the start, so /media/ behaves the same before the first photo."""
    os.makedirs(state.app.config["UPLOADS_FOLDER"], exist_ok=True)


class PhotoForm(Form):
    photo = FileField("Photo (PNG or JPEG, up to 1 MiB)")
    url = URLField("…or the address of an image", [Optional(), Length(max=URL_MAX)])


def photo_form() -> PhotoForm:
    # Whether listing forms carry a CSRF token is the csrf lesson's decision.
    return PhotoForm(meta=active("csrf").listing_form_meta())


def uploads_folder() -> str:
    return os.path.abspath(current_app.config["UPLOADS_FOLDER"])


@bp.route(f"/listings/<int(max={ID_MAX}):listing_id>/photo", methods=("POST",))
@auth.user_required
def add_photo(listing_id: int):
    """Set a listing's photo from an uploaded file (field ``photo``) or a URL (``url``)."""
    # Whose listing may be changed is the broken-access-control lesson's seam.
    listing = active("broken-access-control").load_listing_for_change(listing_id, g.user)
    form = photo_form()
    error = None
    if not form.validate_on_submit():
        error = "The form expired or is not valid; reload the page and try again."
    else:
        try:
            _store(listing, *_received(form))
        except PhotoError as exc:
            error = str(exc)
    if error:
        return _edit_page(listing, form, error), 400
    flash("The photo is saved.")
    return redirect(url_for("listings.edit", listing_id=listing.id))


def _received(form: PhotoForm) -> tuple[bytes, str]:
    """The photo's bytes and the name the client gave it, from the file or the URL."""
    upload = form.photo.data
    url = (form.url.data or "").strip()
    has_file = upload is not None and bool(getattr(upload, "filename", ""))
    if has_file and url:
        raise PhotoError("Give either a file or an address, not both.")
    if has_file:
        data = upload.read(MAX_PHOTO_BYTES + 1)
        return data, upload.filename
    if not url:
        raise PhotoError("Choose a PNG or JPEG file, or give the address of one.")
    fetched = active("ssrf").fetch_photo(url)
    forgery.fetched(url, fetched.url, current_app.config["PHOTO_FETCH_ALLOW"])
    name = posixpath.basename(unquote(urlsplit(fetched.url).path)) or "photo"
    return fetched.data, name


def _store(listing: Listing, data: bytes, filename: str) -> None:
    extension = image_extension(data)
    folder = uploads_folder()
    filename = filename[:PHOTO_NAME_MAX] or "photo"
    path = active("path-traversal").photo_destination(folder, filename, extension)
    name = os.path.relpath(path, folder)
    if len(name) > PHOTO_NAME_MAX:
        raise PhotoError(f"The file name is too long: at most {PHOTO_NAME_MAX} characters.")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(path, "wb") as out:
            out.write(data)
    except (OSError, ValueError):
        raise PhotoError("The photo could not be stored under that file name.") from None
    traversal.written(folder, filename, path)
    listing.photo = name.replace(os.sep, "/")
    db.session.commit()


def _edit_page(listing: Listing, form: PhotoForm, error: str) -> str:
    """The listing's edit page (listings.edit's template) with the photo form's error."""
    return render_template(
        "listings/edit.html",
        form=ListingForm(meta=active("csrf").listing_form_meta(), obj=listing),
        listing=listing,
        photo_form=form,
        photo_error=error,
    )


@bp.route("/media/<path:name>", merge_slashes=False)
def media(name: str):
    """A photo from the uploads folder; the name is exactly what the URL says."""
    folder = uploads_folder()
    path = active("path-traversal").photo_path(folder, name)
    try:
        # Read whole and closed at once: photos are small, and a vulnerable stage may point
        # anywhere, so a file larger than a photo can be is not served either.
        with open(path, "rb") as photo:
            data = photo.read(MAX_PHOTO_BYTES + 1)
    except (OSError, ValueError):
        abort(404, description="There is no such photo.")
    if len(data) > MAX_PHOTO_BYTES:
        abort(404, description="There is no such photo.")
    traversal.served(folder, name, path)
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = current_app.response_class(data, mimetype=kind)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response
