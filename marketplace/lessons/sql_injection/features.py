"""What honest users need from listings and search, whatever the SQL is built from.

Three checks: ordinary text is stored and found; text with the characters SQL treats
specially (``'``, ``\\``, ``"``, ``%``, ``_``, ``--``, a full-width apostrophe, emoji) is
stored verbatim and a search for it finds exactly that listing; search results page.

The special characters are what the vulnerable stages get wrong: ``concat`` fails on a
lone apostrophe (that *is* its injection), ``quote-escape`` on the full-width apostrophe
that normalisation turns into a quote, and both let ``%`` and ``_`` match anything. A
learner's fix that stores "O'Brien" wrongly is no fix, so the check asks for all of them;
the lesson tests list these two stages as failing it, for exactly these characters.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from marketplace.features import (
    REDIRECTS,
    Broken,
    Feature,
    checked,
    create_listing,
    listings_in,
    own_listings,
    page,
)

# Each probe puts one character between "a" and "z", so a wildcard that is not escaped
# ("a%z", "a_z") also matches the other probes: a search must find its own listing only.
SPECIAL = (
    ("apostrophe", "'"),
    ("backslash", "\\"),
    ("double quote", '"'),
    ("percent", "%"),
    ("underscore", "_"),
    ("SQL comment", "--"),
    ("full-width apostrophe (U+FF07)", "\uff07"),
    ("emoji", "\U0001f6f6"),
)
PER_PAGE = 20


def search(http, q: str, page_number: int = 1):
    query = {"q": q} if page_number == 1 else {"q": q, "page": page_number}
    return http.get("/listings/?" + urlencode(query))


def _found(http, q: str, tag: str) -> list[tuple[str, str]]:
    reply = search(http, q)
    if reply.status != 200:
        raise Broken(f"the search for {q!r} failed (HTTP {reply.status})")
    return [row for row in listings_in(reply) if tag in row[0] + row[1]]


@checked("create-and-search")
def create_and_search(target, people, details) -> str:
    """Ordinary text (accents, digits, punctuation) is stored and found, case-insensitively."""
    tag = secrets.token_hex(4)
    person = people.sign_up()
    title, description = f"Blue kayak {tag}", f"Two seats, café-ready; 2 paddles ({tag})."
    reply = create_listing(person.http, title, description)
    if reply.status not in REDIRECTS:
        raise Broken(f"posting a listing failed (HTTP {reply.status})")
    stored = [(t, d) for _, t, d in own_listings(person.http)]
    if stored != [(title, description)]:
        raise Broken(f"the welcome page shows {stored!r}, not the listing posted")
    found = _found(person.http, f"KAYAK {tag.upper()}", tag)
    if found != [(title, description)]:
        raise Broken(f"searching 'KAYAK {tag.upper()}' found {found!r}")
    return "a listing is posted, shown verbatim and found by a search in other case"


@checked("special-characters")
def special_characters(target, people, details) -> str:
    """Each special character is stored verbatim, and a search for it finds only its own."""
    tag = secrets.token_hex(4)
    person = people.sign_up()
    sent = {}
    for label, char in SPECIAL:
        title = f"Probe {tag} a{char}z"
        description = f"Honest text with {char} inside, for the {label} ({tag})."
        reply = create_listing(person.http, title, description)
        sent[label] = (title, description)
        details.append(f"{label}: posting {title!r} answered HTTP {reply.status}")
    # A listing nobody searches for: an unescaped wildcard would find it too.
    create_listing(person.http, f"Probe {tag} aXz", f"Decoy ({tag}).")
    stored = {(t, d) for _, t, d in own_listings(person.http)}
    problems = []
    for label, char in SPECIAL:
        expected = sent[label]
        if expected not in stored:
            problems.append(f"{label}: not stored verbatim")
            continue
        found = _found(person.http, f"a{char}z", tag)
        if found != [expected]:
            titles = [t for t, _ in found]
            problems.append(f"{label}: searching 'a{char}z' found {titles!r}")
    details.extend(problems)
    if problems:
        broken = ", ".join(p.split(":")[0] for p in problems)
        raise Broken(f"honest text with special characters breaks: {broken}")
    return f"all {len(SPECIAL)} special characters are stored verbatim and found exactly"


@checked("search-paging")
def search_paging(target, people, details) -> str:
    """More results than fit a page: page 1 links to page 2, and together they hold each once."""
    tag = secrets.token_hex(4)
    person = people.sign_up()
    made = {f"Paging {tag} no. {i:02d}" for i in range(PER_PAGE + 3)}
    for title in sorted(made):
        reply = create_listing(person.http, title, "Paging probe.")
        if reply.status not in REDIRECTS:
            raise Broken(f"posting {title!r} failed (HTTP {reply.status})")
    first = search(person.http, f"Paging {tag}")
    older = page(first).xpath('//a[@rel="next"]/@href')
    titles_1 = [t for t, _ in listings_in(first)]
    details.append(f"page 1: {len(titles_1)} results, link to the next page: {older[:1]}")
    if not older:
        raise Broken(f"{len(made)} results, but page 1 has no link to the next page")
    second = person.http.get(older[0])
    titles_2 = [t for t, _ in listings_in(second)]
    details.append(f"page 2 (HTTP {second.status}): {len(titles_2)} results")
    if len(titles_1) != PER_PAGE or sorted(titles_1 + titles_2) != sorted(made):
        raise Broken(
            f"the two pages hold {len(titles_1)} + {len(titles_2)} results, "
            f"not each of the {len(made)} listings once"
        )
    return f"{len(made)} results come as {len(titles_1)} + {len(titles_2)} on two pages"


FEATURES = (
    Feature("create-and-search", "Post a listing and find it by search.", create_and_search),
    Feature(
        "special-characters",
        "Quotes, backslash, %, _, --, a full-width apostrophe and emoji stored and found exactly.",
        special_characters,
    ),
    Feature("search-paging", "Search results past the first page.", search_paging),
)
