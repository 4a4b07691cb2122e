"""Every form of the app; Flask-WTF gives each a CSRF token unless a lesson says otherwise."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from .models import DESCRIPTION_MAX, EMAIL_MAX, NAME_MAX, TITLE_MAX
from .passwords import MAX_LENGTH, policy_errors


def strong_password(form, field) -> None:
    errors = policy_errors(field.data or "")
    if errors:
        raise ValidationError(" ".join(errors))


def no_nul(form, field) -> None:
    # PostgreSQL cannot store NUL in text and sqlite3 refuses it in SQL: a 400, not a 500.
    if "\x00" in (field.data or ""):
        raise ValidationError("Text cannot contain a NUL character (\\0).")


def _strip(value):
    """Pasted e-mail addresses often carry a space; it is never part of the address."""
    return value.strip() if isinstance(value, str) else value


def _email():
    return [DataRequired(), Length(max=EMAIL_MAX), Email(check_deliverability=False)]


class SignupForm(FlaskForm):
    full_name = StringField("Full name", [DataRequired(), Length(max=NAME_MAX)])
    email = EmailField("E-mail", _email(), filters=[_strip])
    password = PasswordField("Password", [DataRequired(), strong_password])


class LoginForm(FlaskForm):
    email = EmailField("E-mail", [DataRequired(), Length(max=EMAIL_MAX)], filters=[_strip])
    password = PasswordField("Password", [DataRequired(), Length(max=MAX_LENGTH)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", [DataRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField("New password", [DataRequired(), strong_password])


class EditProfileForm(FlaskForm):
    full_name = StringField("Full name", [DataRequired(), Length(max=NAME_MAX)])
    email = EmailField("E-mail", _email(), filters=[_strip])


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Password", [DataRequired(), Length(max=MAX_LENGTH)])


class ListingForm(FlaskForm):
    title = StringField("Title", [DataRequired(), Length(max=TITLE_MAX), no_nul])
    description = TextAreaField(
        "Description", [DataRequired(), Length(max=DESCRIPTION_MAX), no_nul]
    )


class UploadForm(FlaskForm):
    file = FileField("XML file of listings", [FileRequired()])


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: logout, delete listing, lab actions."""
