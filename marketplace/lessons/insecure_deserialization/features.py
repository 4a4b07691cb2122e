"""What honest sellers need from backups: a backup restores exactly, a bad file says why.

A downloaded backup, restored into another account, creates the same listings (markup
characters, quotes and accents intact); a damaged file answers 400 with a message and
creates nothing. A restore that refuses every file cannot run anything, and is no fix.
"""

from __future__ import annotations

import secrets

from marketplace.features import REDIRECTS, Broken, Feature, checked, form_errors, own_listings


def restore(http, content: bytes):
    return http.submit(
        "/user/restore",
        {},
        files={"file": ("listings.backup", content, "application/octet-stream")},
    )


def post_listing(http, title: str, description: str) -> None:
    reply = http.submit("/listings/create", {"title": title, "description": description})
    if reply.status not in REDIRECTS:
        raise Broken(f"posting a listing answered HTTP {reply.status}")


@checked("backup-roundtrip")
def backup_roundtrip(target, people, details) -> str:
    """Two listings backed up by one seller are restored exactly by another."""
    tag = secrets.token_hex(4)
    seller, other = people.sign_up(), people.sign_up()
    expected = {
        (f"Salt & pepper mill {tag}", 'Oak & steel, "as new" <20 cm>.'),
        (f"Crème brûlée set {tag}", "Four ramekins — and a torch: 100% ok!"),
    }
    for title, description in sorted(expected):
        post_listing(seller.http, title, description)
    backup = seller.http.get("/user/backup")
    details.append(f"backup: HTTP {backup.status}, {len(backup.text)} characters")
    if backup.status != 200 or not backup.text.strip():
        raise Broken(f"downloading the backup answered HTTP {backup.status}")
    reply = restore(other.http, backup.text.encode())
    details.append(f"restore: HTTP {reply.status} {form_errors(reply)}")
    created = {(t, d) for _, t, d in own_listings(other.http)}
    if reply.status not in REDIRECTS or created != expected:
        raise Broken(f"the backup did not restore its two listings: {sorted(created)!r}")
    return "a backup restores its listings exactly, in another account"


@checked("damaged-restore")
def damaged_restore(target, people, details) -> str:
    """A file that is no backup: 400, a message, and no listing."""
    person = people.sign_up()
    reply = restore(person.http, b"\x00\x01 this is not a backup \xff")
    message = form_errors(reply)
    details.append(f"restore: HTTP {reply.status}, message {message!r}")
    if reply.status != 400:
        raise Broken(f"a damaged file answers HTTP {reply.status}, not 400")
    if not message:
        raise Broken("a damaged file is refused without a message")
    if own_listings(person.http):
        raise Broken("a damaged file created listings")
    return f"a damaged file is refused (400): {message!r}"


FEATURES = (
    Feature("backup-roundtrip", "A backup restores its listings exactly.", backup_roundtrip),
    Feature("damaged-restore", "A damaged file gets a 400 with a message.", damaged_restore),
)
