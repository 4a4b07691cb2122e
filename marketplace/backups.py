"""Back up and restore one's own listings (the insecure-deserialization lesson's feature).

``GET /user/backup`` downloads a file of the user's listings; ``POST /user/restore`` (field
``file``) creates the listings of such a file, all in one transaction or none. How the
file is written and read is the lesson's active stage; these views only move bytes and
rows.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, url_for
from sqlalchemy import select

from . import auth
from .extensions import db
from .forms import RestoreForm
from .lessons.insecure_deserialization.backup import (
    MAX_BACKUP_BYTES,
    BackupError,
    backup_file,
    restore_listings,
)
from .models import Listing

bp = Blueprint("backups", __name__, url_prefix="/user")


@bp.route("/backup")
@auth.user_required
def backup():
    """The user's listings, oldest first, as a file to keep."""
    rows = db.session.execute(
        select(Listing.title, Listing.description)
        .where(Listing.user_id == g.user.id)
        .order_by(Listing.created_at, Listing.id)
    ).all()
    data = backup_file([(title, description) for title, description in rows])
    return Response(
        data,
        mimetype="text/plain",
        headers={
            "Content-Disposition": 'attachment; filename="listings.backup"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/restore", methods=("GET", "POST"))
@auth.user_required
def restore():
    """Create the listings of a backup file: every one valid, or none is created."""
    form = RestoreForm()
    error = None
    if form.validate_on_submit():
        data = form.file.data.read(MAX_BACKUP_BYTES + 1)
        try:
            listings = restore_listings(data)
        except BackupError as exc:
            error = str(exc)
        else:
            db.session.add_all(
                Listing(title=t, description=d, user_id=g.user.id) for t, d in listings
            )
            db.session.commit()
            flash(f"{len(listings)} listings restored.")
            return redirect(url_for("user.welcome"))
    status = 400 if form.is_submitted() else 200
    return render_template("user/restore.html", form=form, error=error), status
