"""Chapter 10: every exploit against every stage, the API in every stage, and its OpenAPI."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from marketplace.exploits.runner import run_exploit
from marketplace.lessons import get_lesson
from marketplace.openapi import response_schema, spec
from tests.helpers import every_cell

# Which fields the API shows is decided in Python. One backend is enough.
pytestmark = pytest.mark.one_backend

LESSON = get_lesson("sensitive-data-exposure")
STAGES = [s.slug for s in LESSON.stages]
LISTINGS = "/api/v1/listings"


@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    # A defence must be the API's answer, not a failed set-up.
    if expected:
        assert "leaks" in outcome.summary or "opens /user/welcome" in outcome.summary
    else:
        assert "no private data" in outcome.summary or "no session key" in outcome.summary
    assert any(e.path.startswith(LISTINGS) for e in outcome.exchanges)


def test_the_leak_is_the_real_cookie(app, set_stage, user):
    """The key in the API is what the victim's browser sends, not a look-alike."""
    set_stage(LESSON.slug, "auto-serialize")
    browser, email, _, name = user
    browser.submit("/listings/create", {"title": "Leaky lamp", "description": "Brass."})
    item = next(
        i for i in app.test_client().get(LISTINGS).json["items"] if i["title"] == "Leaky lamp"
    )
    assert item["author"]["email"] == email
    assert item["author"]["password_hash"].startswith("$")
    assert browser.get_cookie("session") in [s["key"] for s in item["author"]["sessions"]]


@pytest.mark.parametrize("stage", STAGES)
def test_listing_api_works_in_every_stage(set_stage, user, client, stage):
    set_stage(LESSON.slug, stage)
    browser = user[0]
    assert (
        browser.submit("/listings/create", {"title": "Canoe", "description": "Red"}).status == 302
    )
    answer = client.get(f"{LISTINGS}?per_page=2")
    assert answer.status_code == 200 and answer.is_json
    body = answer.json
    assert body["page"] == 1 and body["total"] == 7 and body["pages"] == 4
    newest = body["items"][0]
    assert (newest["title"], newest["description"]) == ("Canoe", "Red")
    assert newest["author"]["full_name"] == "Terry Tester"
    assert newest["created_at"].endswith("Z")
    assert client.get(f"{LISTINGS}?page=0").status_code == 400


def test_fixed_stage_returns_only_the_allow_list(client):
    items = client.get(LISTINGS).json["items"]
    assert items
    for item in items:
        assert set(item) == {"id", "title", "description", "created_at", "author"}
        assert set(item["author"]) == {"id", "full_name"}


# --- The OpenAPI description -------------------------------------------------------------


def _validate(response) -> None:
    schema = response_schema(LISTINGS, "get", response.status_code)
    Draft202012Validator(schema).validate(response.json)


def test_openapi_document_is_served_and_well_formed(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.is_json
    document = answer.json
    assert document == spec()
    assert document["openapi"].startswith("3.1")
    assert {p["name"] for p in document["paths"][LISTINGS]["get"]["parameters"]} == {
        "page",
        "per_page",
        "after",
    }
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # raises SchemaError, naming the problem


QUERIES = [
    "",
    "?page=1",
    "?page=2&per_page=2",
    "?per_page=100",
    "?per_page=1",
    "?page=999",
    "?page=0",
    "?page=-1",
    "?page=abc",
    "?per_page=101",
    "?per_page=0",
    "?page=%C2%B2",  # "²": a digit to str.isdigit(), not to int()
    "?per_page=%D9%A3",  # Arabic-Indic three
    "?after=",
    "?after=not-a-cursor!",
    "?after=Zm9v",
]


def test_every_listing_response_validates_against_the_openapi_document(client, user):
    browser = user[0]
    for n in range(3):
        browser.submit("/listings/create", {"title": f"Item {n}", "description": "ok"})
    statuses = set()
    for query in QUERIES:
        answer = client.get(LISTINGS + query)
        assert answer.status_code in (200, 400), query
        _validate(answer)
        statuses.add(answer.status_code)
    assert statuses == {200, 400}
    # Cursor mode, where the API offers it: follow ``next`` to the end.
    answer, seen = client.get(f"{LISTINGS}?per_page=3"), 0
    while answer.json.get("next") and seen < 10:
        answer = client.get(f"{LISTINGS}?per_page=3&after={answer.json['next']}")
        assert answer.status_code == 200
        _validate(answer)
        seen += 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["page", "per_page", "after"]),
        st.one_of(st.integers(-5, 200).map(str), st.text(max_size=12), st.just(""), st.just("1")),
        max_size=3,
    )
)
def test_any_query_gets_a_documented_answer(client, params):
    answer = client.get(LISTINGS, query_string=params)
    assert answer.status_code in (200, 400), (params, answer.status_code)
    _validate(answer)


def test_openapi_document_catches_the_leak(set_stage, client):
    """At auto-serialize the answer breaks the contract: the extra fields fail validation."""
    set_stage(LESSON.slug, "auto-serialize")
    answer = client.get(LISTINGS)
    assert answer.status_code == 200
    with pytest.raises(ValidationError):
        _validate(answer)
