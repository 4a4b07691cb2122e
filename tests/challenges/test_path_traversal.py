"""Chapter 11's challenges solved by hand: ../ in /media/, ..././ past the filter, and an
upload whose file name climbs out of the uploads folder."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest

from marketplace.photo_client import tiny_png

from .helpers import csrf, login, signup, solved_by

LESSON = "path-traversal"


def _canary(tmp_path) -> str:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("canary-by-hand")
    return quote(str(folder / "secret.txt").lstrip("/"), safe="")


def _seller_listing(client) -> int:
    signup(client, "Sal Seller", "seller@example.com")
    assert login(client, "seller@example.com").status_code == 302
    token = csrf(client, "/listings/create")
    data = {"csrf_token": token, "title": "Brass lamp", "description": "Works."}
    assert client.post("/listings/create", data=data).status_code == 302
    page = client.get("/user/welcome").get_data(as_text=True)
    return int(re.search(r"/listings/(\d+)", page).group(1))


def _upload(client, listing: int, filename: str):
    data = {
        "csrf_token": csrf(client, f"/listings/{listing}"),
        "photo": (io.BytesIO(tiny_png("by hand")), filename, "image/png"),
    }
    return client.post(f"/listings/{listing}/photo", data=data)


@pytest.mark.parametrize(
    ("stage", "solvable"), [("join-path", True), ("strip-dot-dot", False), ("safe-join", False)]
)
def test_dot_dot_read_by_hand(client, set_stage, tmp_path, stage, solvable):
    set_stage(LESSON, stage)
    listing = _seller_listing(client)
    assert _upload(client, listing, "lamp.png").status_code == 302  # ordinary use
    assert solved_by(client, LESSON, "dot-dot-read") is None
    reply = client.get("/media/" + quote("../" * 40, safe="") + _canary(tmp_path))
    assert (reply.data == b"canary-by-hand") is solvable
    assert solved_by(client, LESSON, "dot-dot-read") == ("learner" if solvable else None)


@pytest.mark.parametrize(("stage", "solvable"), [("strip-dot-dot", True), ("safe-join", False)])
def test_nested_dot_dot_read_by_hand(client, set_stage, tmp_path, stage, solvable):
    set_stage(LESSON, stage)
    reply = client.get("/media/" + quote("..././" * 40, safe="") + _canary(tmp_path))
    assert (reply.data == b"canary-by-hand") is solvable
    assert solved_by(client, LESSON, "nested-dot-dot-read") == ("learner" if solvable else None)
    assert solved_by(client, LESSON, "dot-dot-read") is None


@pytest.mark.parametrize(
    ("stage", "solvable"), [("join-path", True), ("strip-dot-dot", True), ("safe-join", False)]
)
def test_upload_filename_write_by_hand(client, set_stage, tmp_path, stage, solvable):
    set_stage(LESSON, stage)
    listing = _seller_listing(client)
    landed = tmp_path / "planted.png"
    assert _upload(client, listing, str(landed)).status_code == 302
    assert landed.exists() is solvable
    assert solved_by(client, LESSON, "upload-filename-write") == ("learner" if solvable else None)
