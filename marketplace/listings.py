"""The listings blueprint: public index and search, create, edit, delete, XML upload."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from . import auth
from .extensions import db
from .forms import ConfirmForm, ListingForm, UploadForm
from .lessons import active
from .models import DESCRIPTION_MAX, ID_MAX, TITLE_MAX, Listing
from .pagination import MAX_OFFSET, cursor_arg, cursor_of, listing_page, page_number
from .signals import xml_upload_parsed
from .uploads import MAX_LISTINGS, UploadError, check_encoding

bp = Blueprint("listings", __name__, url_prefix="/listings")


def _render_index(rows: list[dict], **context):
    """The index template, told which of the rows the logged-in user may edit."""
    return render_template("listings/index.html", listings=rows, own=_owned(rows), **context)


def _owned(rows: list[dict]) -> set[int]:
    """Ids of the rows that are the logged-in user's own listings (their titles link to edit).

    A row counts only if the listing with its id has its title and belongs to the user:
    a search result is whatever the active sql-injection stage returned.
    """
    if g.get("user") is None or not rows:
        return set()
    ids = {row["id"] for row in rows if isinstance(row.get("id"), int)}
    mine = db.session.execute(
        select(Listing.id, Listing.title).where(Listing.id.in_(ids), Listing.user_id == g.user.id)
    ).all()
    titles = dict(mine)
    return {row["id"] for row in rows if titles.get(row.get("id")) == row["title"]}


def _listing_form(**kwargs) -> ListingForm:
    # Whether listing forms carry a CSRF token is the csrf lesson's decision.
    return ListingForm(meta=active("csrf").listing_form_meta(), **kwargs)


@bp.route("/")
def index():
    """Newest listings first, a page at a time, "older"/"newer" by cursor; ``?q=`` searches."""
    per_page = current_app.config["LISTINGS_PER_PAGE"]
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
        return _render_index(
            [],
            q=q,
            newer=url_for("listings.index"),
            older=None,
            note=f"Numbered pages stop at {MAX_OFFSET // per_page}: "
            "follow the Older links for older listings.",
        )
    rows, more = listing_page(
        per_page, after=after, before=before, offset=(page - 1) * per_page, as_rows=True
    )
    if before is not None:  # paging up: "more" means newer pages still
        has_newer, has_older = more, True
    else:
        has_newer, has_older = after is not None or page > 1, more
    newer = older = None
    if rows and has_newer:
        newer = url_for("listings.index", before=cursor_of(rows[0]))
    if rows and has_older:
        older = url_for("listings.index", after=cursor_of(rows[-1]))
    if not rows and (after is not None or before is not None):
        newer = url_for("listings.index")
    return _render_index(rows, q=q, newer=newer, older=older)


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
    return _render_index(rows[:per_page], q=q, newer=newer, older=older)


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
    from .media import photo_form  # the photo views live in media.py; they import this module

    return render_template(
        "listings/edit.html", form=form, listing=listing, photo_form=photo_form()
    ), status


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
            xml_upload_parsed.send(current_app._get_current_object(), document=data, items=items)
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
