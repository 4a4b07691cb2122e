"""The user blueprint: sign up, log in and out, welcome, password, profile, deletion."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from . import auth, remember_me
from .exports import ExportError
from .extensions import db
from .forms import (
    ChangePasswordForm,
    ConfirmForm,
    DeleteAccountForm,
    EditProfileForm,
    ExportForm,
    LoginForm,
    SignupForm,
)
from .lessons import active
from .lessons.command_injection.export import export_listings
from .lessons.open_redirect.detector import check_login_redirect
from .lessons.template_injection.greeting import GreetingError, render_greeting
from .models import Listing, User, count
from .password_storage import check_password, hash_password
from .throttling import email_change_refusal

bp = Blueprint("user", __name__, url_prefix="/user")


def _form_page(template: str, form, status: int | None = None, **context):
    """Render a form; a submitted form that failed validation answers 400."""
    if status is None:
        status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


@bp.route("/signup", methods=("GET", "POST"))
def signup():
    """Create an account, then ask the user to log in."""
    form = SignupForm()
    if form.validate_on_submit():
        email = User.normalise_email(form.email.data)
        if User.by_email(email) is None:
            db.session.add(
                User(
                    full_name=form.full_name.data.strip(),
                    email=email,
                    password_hash=hash_password(form.password.data),
                )
            )
            db.session.commit()
        else:
            message = active("broken-authentication").signup_taken(email)
            if message:
                form.email.errors.append(message)
                return _form_page("user/signup.html", form)
        flash("Account created: you can log in now.")
        return redirect(url_for("user.login"))
    return _form_page("user/signup.html", form)


@bp.route("/login", methods=("GET", "POST"))
def login():
    """Check the credentials; the failure path belongs to the broken-authentication lesson."""
    if request.method == "GET" and g.user is not None and "next" in request.args:
        # Already logged in: a login link goes straight on to where it was going.
        return redirect(_after_login(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        seam = active("broken-authentication")
        email, password = User.normalise_email(form.email.data), form.password.data
        client = request.remote_addr or "unknown"
        refusal = seam.throttled(email, client)
        if refusal:
            return _form_page("user/login.html", form, 429, error=refusal)
        user = User.by_email(email)
        if user is not None and check_password(user, password):
            # Decided before logging in: a refused ``next`` costs the redirect, never the login.
            target = _after_login(request.args.get("next"))
            seam.record_attempt(email, client, succeeded=True)
            auth.log_in(user)
            response = redirect(target)
            if form.remember.data:
                remember_me.remember(response, user)
            return response
        seam.record_attempt(email, client, succeeded=False)
        error = seam.login_failed(email, user, password)
        return _form_page("user/login.html", form, 400, error=error)
    return _form_page("user/login.html", form)


def _after_login(next_value: str | None) -> str:
    """Where the login sends the user: the open-redirect lesson's stage decides."""
    fallback = url_for("user.welcome")
    target = active("open-redirect").after_login(next_value, fallback)
    if "\r" in target or "\n" in target:  # a header cannot carry a line break, whatever the stage
        return fallback
    check_login_redirect(target, request.base_url)
    return target


@bp.route("/logout", methods=("GET", "POST"))
def logout():
    """GET shows a button; only a POST with a valid CSRF token logs out."""
    form = ConfirmForm()
    if form.validate_on_submit():
        user = g.user
        auth.log_out()
        flash("You are logged out.")
        response = redirect(url_for("user.login"))
        remember_me.forget(response, user)  # and every other "remember me" of this user
        return response
    return _form_page("user/logout.html", form)


@bp.route("/welcome")
@auth.login_required
def welcome():
    """The logged-in user's page: their name and their own listings."""
    listings = db.session.scalars(
        select(Listing)
        .where(Listing.user_id == g.login.user_id)
        .order_by(Listing.created_at.desc(), Listing.id.desc())
    ).all()
    greeting, greeting_error = _shop_greeting(len(listings))
    return render_template(
        "user/welcome.html",
        listings=listings,
        delete_form=ConfirmForm(),
        greeting=greeting,
        greeting_error=greeting_error,
    )


def _shop_greeting(listing_count: int) -> tuple[str, str | None]:
    """The seller's greeting as the template-injection lesson renders it, or its error."""
    user = db.session.get(User, g.login.user_id)
    if user is None or not user.greeting:
        return "", None
    try:
        return render_greeting(user.greeting, user.full_name, listing_count), None
    except GreetingError as exc:  # saved under another stage: say so, keep the page
        return "", str(exc)


@bp.route("/change_password", methods=("GET", "POST"))
@auth.user_required
def change_password():
    """Replace the password after checking the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not check_password(g.user, form.current_password.data):
            form.current_password.errors.append("This is not your current password.")
            return _form_page("user/change_password.html", form)
        g.user.password_hash = hash_password(form.new_password.data)
        db.session.commit()
        auth.password_changed(g.user)
        flash("Your password has been changed.")
        response = redirect(url_for("user.welcome"))
        remember_me.forget(response, g.user)
        return response
    return _form_page("user/change_password.html", form)


@bp.route("/edit", methods=("GET", "POST"))
@auth.user_required
def edit():
    """Edit the profile; the full-name input is rendered by the xss lesson's active stage."""
    form = EditProfileForm(obj=g.user)
    refusal = None
    if form.validate_on_submit():
        email = User.normalise_email(form.email.data)
        if email != g.user.email:  # probing which e-mails are taken: throttled
            refusal = email_change_refusal(g.user.id, request.remote_addr or "unknown")
        other = None if refusal else User.by_email(email)
        greeting_error = _greeting_refusal(form.greeting.data or "", form.full_name.data.strip())
        if greeting_error:
            form.greeting.errors.append(greeting_error)
        elif refusal or (other is not None and other.id != g.user.id):
            form.email.errors.append(refusal or "This e-mail cannot be used; choose another.")
        else:
            g.user.greeting = form.greeting.data or ""
            g.user.full_name = form.full_name.data.strip()
            g.user.email = email
            db.session.commit()
            auth.log_in(g.user)  # the greeting in the session follows the new name
            flash("Your profile has been updated.")
            return redirect(url_for("user.edit"))
    # The stage renders an escaped template and returns Markup.
    name_input = active("xss").full_name_input(form.full_name.data or "")
    return _form_page("user/edit.html", form, 429 if refusal else None, name_input=name_input)


def _greeting_refusal(greeting: str, name: str) -> str | None:
    """Why the greeting cannot be shown (rendered once, as the welcome page will), or None."""
    try:
        render_greeting(greeting, name, count(Listing, Listing.user_id == g.user.id))
    except GreetingError as exc:
        return str(exc)
    return None


@bp.route("/export", methods=("GET", "POST"))
@auth.user_required
def export():
    """Download one's listings as CSV in a .tar.gz; the command-injection lesson packs it."""
    form = ExportForm()
    if form.validate_on_submit():
        try:
            data = export_listings(g.user.id, form.filename.data)
        except ExportError as exc:
            return _form_page("user/export.html", form, 400, error=str(exc))
        return send_file(
            BytesIO(data),
            mimetype="application/gzip",
            as_attachment=True,
            download_name=form.filename.data,
        )
    return _form_page("user/export.html", form)


@bp.route("/delete", methods=("GET", "POST"))
@auth.user_required
def delete():
    """Delete the account and its listings, after checking the password."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not check_password(g.user, form.password.data):
            form.password.errors.append("This is not your password.")
            return _form_page("user/delete.html", form)
        user = g.user
        db.session.delete(user)
        db.session.commit()
        auth.account_deleted(user)
        flash("Your account and its listings have been deleted.")
        response = redirect(url_for("listings.index"))
        remember_me.forget(response, user)
        return response
    return _form_page("user/delete.html", form)
