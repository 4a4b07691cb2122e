"""The listings blueprint: public index and search, create, edit, delete, XML upload."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from . import auth
from .extensions import db
from .forms import ConfirmForm, ListingForm, UploadForm
from .lessons import active
from .models import DESCRIPTION_MAX, ID_MAX, TITLE_MAX, Listing
from .pagination import MAX_OFFSET, CursorError, cursor_of, decode_cursor, newest_first
from .uploads import MAX_LISTINGS, UploadError, check_encoding

bp = Blueprint("listings", __name__, url_prefix="/listings")


def page_number(name: str = "page", default: int = 1, maximum: int = 10**6, hint: str = "") -> int:
    """A positive page number from the query string, or a 400 that says what is wrong."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    # isdigit() alone accepts "²", which int() refuses: ASCII digits only.
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        abort(400, description=f"{name} must be a whole number from 1 to {maximum}.{hint}")
    return int(raw)


def cursor_arg(name: str) -> tuple[datetime, int] | None:
    """The decoded cursor in ``?<name>=``, None when absent, or a 400 when malformed."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return decode_cursor(raw)
    except CursorError as exc:
        abort(
            400,
            description=f"{name}: {exc}; use the cursor exactly as a previous page gave it.",
        )


def as_row(listing: Listing) -> dict:
    """The shape the index template shows (the same as the search seam returns)."""
    return {
        "id": listing.id,
        "title": listing.title,
        "description": listing.description,
        "created_at": listing.created_at,
        "author_name": listing.author.full_name,
    }


def _listing_form(**kwargs) -> ListingForm:
    # Whether listing forms carry a CSRF token is the csrf lesson's decision.
    return ListingForm(meta=active("csrf").listing_form_meta(), **kwargs)


@bp.route("/")
def index():
    """Newest listings first, 20 a page, "older"/"newer" by cursor; ``?q=`` searches."""
    per_page = 20
    q = request.args.get("q", "").strip()
    if q:
        return _search(q, per_page)
    after, before = cursor_arg("after"), cursor_arg("before")
    # ``page`` still works for links people kept, but only for shallow offsets: past them
    # the page is empty (not an error) and says how to go deeper, without an O(n) OFFSET.
    page = page_number()
    if after is not None or before is not None:
        page = 1
    if page > MAX_OFFSET // per_page:
        return render_template(
            "listings/index.html",
            listings=[],
            q=q,
            newer=url_for("listings.index"),
            older=None,
            note=f"Numbered pages stop at {MAX_OFFSET // per_page}: "
            "follow the Older links for older listings.",
        )
    rows = newest_first(per_page + 1, after=after, before=before, offset=(page - 1) * per_page)
    if before is not None:
        # Fetched upwards: one row too many means there are newer pages still.
        has_newer, rows = len(rows) > per_page, rows[-per_page:]
        has_older = True
    else:
        has_newer = after is not None or page > 1
        has_older, rows = len(rows) > per_page, rows[:per_page]
    rows = [as_row(r) for r in rows]
    newer = older = None
    if rows and has_newer:
        newer = url_for("listings.index", before=cursor_of(rows[0]))
    if rows and has_older:
        older = url_for("listings.index", after=cursor_of(rows[-1]))
    if not rows and (after is not None or before is not None):
        newer = url_for("listings.index")
    return render_template("listings/index.html", listings=rows, q=q, newer=newer, older=older)


SEARCH_MAX_PAGES = 50


def _search(q: str, per_page: int):
    """Search results by page: the search seam takes an offset, capped to stay bounded."""
    if len(q) > 200:
        abort(400, description="The search is too long: use at most 200 characters.")
    if "\x00" in q:
        abort(400, description="The search cannot contain a NUL character (\\0).")
    page = page_number(maximum=SEARCH_MAX_PAGES, hint=" Refine the search to see fewer results.")
    rows = active("sql-injection").search_listings(q, per_page + 1, (page - 1) * per_page)
    newer = url_for("listings.index", q=q, page=page - 1) if page > 1 else None
    older = None
    if len(rows) > per_page and page < SEARCH_MAX_PAGES:
        older = url_for("listings.index", q=q, page=page + 1)
    return render_template(
        "listings/index.html", listings=rows[:per_page], q=q, newer=newer, older=older
    )


@bp.route("/create", methods=("GET", "POST"))
@auth.user_required
def create():
    """Post a new listing; the insert is the sql-injection lesson's seam."""
    form = _listing_form()
    if form.validate_on_submit():
        active("sql-injection").create_listing(
            form.title.data.strip(), form.description.data.strip(), g.user.id
        )
        flash("Your listing is posted.")
        return redirect(url_for("user.welcome"))
    status = 400 if form.is_submitted() else 200
    return render_template("listings/create.html", form=form), status


def _own_listing(listing_id: int) -> Listing:
    # Whose listing may be changed is the broken-access-control lesson's seam.
    return active("broken-access-control").load_listing_for_change(listing_id, g.user)


@bp.route(f"/<int(max={ID_MAX}):listing_id>", methods=("GET", "POST"))
@auth.user_required
def edit(listing_id: int):
    """Edit one's own listing."""
    listing = _own_listing(listing_id)
    form = _listing_form(obj=listing)
    if form.validate_on_submit():
        listing.title = form.title.data.strip()
        listing.description = form.description.data.strip()
        db.session.commit()
        flash("Your listing is updated.")
        return redirect(url_for("user.welcome"))
    status = 400 if form.is_submitted() else 200
    return render_template("listings/edit.html", form=form, listing=listing), status


@bp.route(f"/<int(max={ID_MAX}):listing_id>/delete", methods=("POST",))
@auth.user_required
def delete(listing_id: int):
    """Delete one's own listing."""
    listing = _own_listing(listing_id)
    form = ConfirmForm(meta=active("csrf").listing_form_meta())
    if not form.validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    db.session.delete(listing)
    db.session.commit()
    flash("Your listing is deleted.")
    return redirect(url_for("user.welcome"))


@bp.route("/upload", methods=("GET", "POST"))
@auth.user_required
def upload():
    """Create many listings from one XML document, all or nothing."""
    form = UploadForm(meta=active("csrf").listing_form_meta())
    error = None
    if form.validate_on_submit():
        try:
            data = form.file.data.read()
            check_encoding(data)  # before any stage's parser: they fail differently on others
            items = active("xxe").parse_listings(data)
            listings = validate_items(items)
        except UploadError as exc:
            error = str(exc)
        else:
            db.session.add_all(
                Listing(title=t, description=d, user_id=g.user.id) for t, d in listings
            )
            db.session.commit()
            flash(f"{len(listings)} listings created.")
            return redirect(url_for("user.welcome"))
    status = 400 if form.is_submitted() else 200
    return render_template("listings/upload.html", form=form, error=error), status


def validate_items(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every listing valid, or none is created: the message names the first problem."""
    if not items:
        raise UploadError("The document has no <listing> elements.")
    if len(items) > MAX_LISTINGS:
        raise UploadError(f"Too many listings: at most {MAX_LISTINGS} per upload.")
    clean = []
    for number, (title, description) in enumerate(items, start=1):
        title, description = (title or "").strip(), (description or "").strip()
        if not title:
            raise UploadError(f"Listing {number} has no <title>.")
        if not description:
            raise UploadError(f"Listing {number} has no <description>.")
        if len(title) > TITLE_MAX or len(description) > DESCRIPTION_MAX:
            raise UploadError(
                f"Listing {number} is too long: titles up to {TITLE_MAX} characters, "
                f"descriptions up to {DESCRIPTION_MAX}."
            )
        clean.append((title, description))
    return clean
