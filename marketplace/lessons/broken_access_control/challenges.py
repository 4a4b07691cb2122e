"""The broken-access-control lesson's challenges, and their detector.

Rule: ``POST /listings/<id>`` (edit) or ``POST /listings/<id>/delete`` answers with the
redirect that follows a saved change, for a logged-in user who is not the listing's
author. The author is read before the view runs (a deleted listing has none after).
"""

from __future__ import annotations

import logging

from flask import g, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from marketplace import challenges
from marketplace.challenges import Challenge
from marketplace.challenges.hooks import guarded
from marketplace.extensions import db, rollback_quietly
from marketplace.models import Listing

CHALLENGES = (
    Challenge(
        exploit="edit-foreign-listing",
        goal="Change the title of a listing that another seller posted.",
        difficulty=1,
        hints=(
            "Edit one of your own listings and look at the address bar.",
            "Listing numbers are small, sequential and shown everywhere.",
            "Log in as yourself, open /listings/<number of someone else's listing> and "
            "save the form.",
        ),
    ),
    Challenge(
        exploit="delete-foreign-listing",
        goal="Make another seller's listing disappear from the marketplace.",
        difficulty=1,
        hints=(
            "Deleting your own listing sends a form to an address with its number in it.",
            "Does the server check whose listing that number is, or only that you are logged in?",
            "Send the delete form of your own listing to /listings/<another seller's "
            "listing number>/delete (edit the form's action in the developer tools).",
        ),
    ),
)

log = logging.getLogger(__name__)

ENDPOINTS = {
    "listings.edit": "edit-foreign-listing",
    "listings.delete": "delete-foreign-listing",
}


def remember_author() -> None:
    if request.endpoint not in ENDPOINTS or request.method != "POST" or not request.view_args:
        return
    try:
        g.challenge_listing_author = db.session.scalar(
            select(Listing.user_id).where(Listing.id == request.view_args["listing_id"])
        )
    except SQLAlchemyError:  # the view will meet the same problem and say so; no solve
        log.exception("broken-access-control detector: the listing's author is unknown")
        rollback_quietly()


@guarded
def foreign_change(response) -> None:
    exploit = ENDPOINTS.get(request.endpoint or "")
    if exploit is None or request.method != "POST" or response.status_code not in (302, 303):
        return
    author, user = g.get("challenge_listing_author"), g.get("user")
    if author is None or user is None or author == user.id:
        return
    done = "changed" if exploit == "edit-foreign-listing" else "deleted"
    challenges.solved(
        "broken-access-control",
        exploit,
        f"user #{user.id} {done} listing #{request.view_args['listing_id']} of user #{author}",
    )


def install(app) -> None:
    """Lab mode only (the framework calls it): note the author before, judge after."""
    app.before_request(remember_author)
    app.after_request(foreign_change)
