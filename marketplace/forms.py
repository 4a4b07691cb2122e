"""Every form of the app; Flask-WTF gives each a CSRF token unless a lesson says otherwise."""

from __future__ import annotations

from flask import abort, g, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import CombinedMultiDict
from wtforms import BooleanField, EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, StopValidation, ValidationError

from .exports import DEFAULT_FILENAME, filename_problem
from .inputs import UNSAFE_METHODS
from .models import DESCRIPTION_MAX, EMAIL_MAX, GREETING_MAX, NAME_MAX, TITLE_MAX
from .passwords import MAX_LENGTH, personal_words, policy_errors


class Form(FlaskForm):
    """A browser form: it reads form-encoded or multipart bodies, never JSON.

    Flask-WTF would otherwise build the form data from a JSON body, and fail with a 500
    on JSON that is not an object of strings (``"x"``, ``[1]``, ``{"title": [1]}``). A
    JSON body now simply brings no fields, so the form answers with its usual 400.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if request.is_json and request.method in UNSAFE_METHODS:
                return CombinedMultiDict((request.files, request.form))
            return super().wrap_formdata(form, formdata)


def strong_password(form, field) -> None:
    """The password policy; the form says whose password it is (``personal_words``)."""
    errors = policy_errors(field.data or "", form.personal_words())
    if errors:
        field.errors.extend(errors)  # one line each under the field: verdict, warning, advice
        raise StopValidation()


def no_nul(form, field) -> None:
    # PostgreSQL cannot store NUL in text and sqlite3 refuses it in SQL: a 400, not a 500.
    if "\x00" in (field.data or ""):
        raise ValidationError("Text cannot contain a NUL character (\\0).")


def _strip(value):
    """Pasted e-mail addresses often carry a space; it is never part of the address."""
    return value.strip() if isinstance(value, str) else value


def _email():
    return [DataRequired(), Length(max=EMAIL_MAX), Email(check_deliverability=False)]


class SignupForm(Form):
    full_name = StringField("Full name", [DataRequired(), Length(max=NAME_MAX)])
    email = EmailField("E-mail", _email(), filters=[_strip])
    password = PasswordField("Password", [DataRequired(), strong_password])

    def personal_words(self) -> list[str]:
        return personal_words(self.email.data, self.full_name.data)


class LoginForm(Form):
    email = EmailField("E-mail", [DataRequired(), Length(max=EMAIL_MAX)], filters=[_strip])
    password = PasswordField("Password", [DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Remember me on this computer for 30 days")


class ChangePasswordForm(Form):
    current_password = PasswordField("Current password", [DataRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField("New password", [DataRequired(), strong_password])

    def personal_words(self) -> list[str]:
        return personal_words(g.user.email, g.user.full_name)  # the view requires a user


class EditProfileForm(Form):
    full_name = StringField("Full name", [DataRequired(), Length(max=NAME_MAX)])
    email = EmailField("E-mail", _email(), filters=[_strip])
    greeting = TextAreaField("Shop greeting", [Length(max=GREETING_MAX), no_nul], filters=[_strip])


class DeleteAccountForm(Form):
    password = PasswordField("Password", [DataRequired(), Length(max=MAX_LENGTH)])


class ListingForm(Form):
    title = StringField("Title", [DataRequired(), Length(max=TITLE_MAX), no_nul])
    description = TextAreaField(
        "Description", [DataRequired(), Length(max=DESCRIPTION_MAX), no_nul]
    )


class UploadForm(Form):
    file = FileField("XML file of listings", [FileRequired()])


class RestoreForm(Form):
    file = FileField("Backup file of listings", [FileRequired()])


class ConfirmForm(Form):
    """A form with nothing but its CSRF token: logout, delete listing, lab actions."""


def require_confirm_form(message: str = "The form expired; reload the page and try again.") -> None:
    """A lab action's form must carry a valid CSRF token, whatever stage the csrf lesson is
    at (the lab is never the lesson), or the request ends with a 400 saying ``message``."""
    if not ConfirmForm().validate_on_submit():
        abort(400, description=message)


def download_name(form, field) -> None:
    problem = filename_problem(field.data or "")
    if problem:
        raise StopValidation(problem)


class ExportForm(Form):
    """The archive's file name: shell characters are the command-injection lesson's matter."""

    filename = StringField("File name", [download_name], default=DEFAULT_FILENAME)
