"""Chapter 3: every exploit against every stage; hashing, upgrade, breach and cracking tools."""

import json
import statistics
import time

import pytest
from sqlalchemy import select

from marketplace.exploits.runner import run_exploit
from marketplace.extensions import db
from marketplace.lessons import get_lesson
from marketplace.lessons.weak_password_storage import crack, formats, lab
from marketplace.lessons.weak_password_storage.commands import crack_command, dump_users_command
from marketplace.models import User
from tests.conftest import make_app
from tests.helpers import every_cell

LESSON = get_lesson("weak-password-storage")
MARKERS = {
    "plaintext": "plain$",
    "sha256": "sha256$",
    "bcrypt": "$2b$12$",
    "argon2id": "$argon2id$",
}
BREACH = "/lab/weak-password-storage/breach"


@pytest.fixture(autouse=True)
def crack_cache(tmp_path, monkeypatch):
    """Lookup tables go to this test's folder, not the user's cache."""
    folder = tmp_path / "crack-cache"
    monkeypatch.setenv("MARKETPLACE_CRACK_CACHE", str(folder))
    return folder


def stored_hash(app, email):
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.email == email))


@pytest.mark.hash_cost  # the crack's budget is set against what a guess costs
@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    if expected:
        # A cracked password is proven by logging in with it.
        assert any(d.startswith("confirmed: logged in as") for d in outcome.details)
    else:
        # A defence must come from the stored format, not from a failed set-up.
        assert "cracked 0 of 4 accounts" in outcome.summary, outcome.summary
    assert outcome.exchanges, "the evidence must show the HTTP exchange"


@pytest.mark.hash_cost  # it checks the cost each stage stores
@pytest.mark.parametrize("stage", [s.slug for s in LESSON.stages])
def test_password_features_work_in_every_stage(app, set_stage, browser, stage):
    set_stage(LESSON.slug, stage)
    email, password, new_password = "feat@example.com", "Feature-pass-1", "Feature-pass-2"
    assert browser.signup("Fay Feature", email, password).status == 302
    assert stored_hash(app, email).startswith(MARKERS[stage])
    assert password not in stored_hash(app, email) or stage == "plaintext"
    assert browser.login(email, "Not-the-password-9").status == 400
    assert browser.login(email, password).status == 302
    changed = browser.submit(
        "/user/change_password", {"current_password": password, "new_password": new_password}
    )
    assert changed.status == 302
    assert stored_hash(app, email).startswith(MARKERS[stage])
    assert type(browser)(app).login(email, new_password).status == 302


def test_switching_stages_locks_nobody_out_and_argon2id_upgrades(app, set_stage, browser):
    """Each stage verifies every format; only argon2id re-hashes, at the next good login."""
    users = {}
    for stage in ("plaintext", "sha256", "bcrypt", "argon2id"):
        set_stage(LESSON.slug, stage)
        users[stage] = (f"{stage}@example.com", f"Pass-for-{stage}-7")
        assert browser.signup(stage.title(), *users[stage]).status == 302
    for stage in ("plaintext", "sha256", "bcrypt"):
        set_stage(LESSON.slug, stage)
        for made_at, (email, password) in users.items():
            before = stored_hash(app, email)
            assert type(browser)(app).login(email, password).status == 302, (stage, made_at)
            assert stored_hash(app, email) == before, "only argon2id upgrades"
    set_stage(LESSON.slug, "argon2id")
    for made_at, (email, password) in users.items():
        before = stored_hash(app, email)
        assert type(browser)(app).login(email, "Wrong-password-1").status == 400
        assert stored_hash(app, email) == before, "a failed login must not re-hash"
        assert type(browser)(app).login(email, password).status == 302, made_at
        after = stored_hash(app, email)
        assert after.startswith("$argon2id$"), made_at
        assert (after == before) is (made_at == "argon2id")
        assert type(browser)(app).login(email, password).status == 302  # still the same password


def test_format_is_recognised_by_its_marker_only(app, browser):
    """An unmarked SHA-256 hex (64 characters) is not guessed to be SHA-256: it matches nothing."""
    email, password = "legacy@example.com", "Legacy-pass-42"
    assert browser.signup("Legacy", email, password).status == 302
    with app.app_context():
        user = User.by_email(email)
        user.password_hash = formats.sha256_hex(password)
        db.session.commit()
    assert formats.scheme_of(formats.sha256_hex(password)) is None
    assert browser.login(email, password).status == 400
    assert formats.verify("sha256$" + formats.sha256_hex(password), password)
    assert not formats.verify("sha256$not-hex", password)
    assert not formats.verify("$2b$12$damaged", password)
    assert not formats.verify("$argon2id$damaged", password)


def test_bcrypt_reads_72_bytes_and_argon2id_reads_everything(app, set_stage, browser):
    long_password = "Long-pass-" + "x" * 90  # 100 characters, under the policy's 128
    same_start = long_password[:72] + "y" * 28
    set_stage(LESSON.slug, "bcrypt")
    assert browser.signup("Long", "long@example.com", long_password).status == 302
    assert browser.login("long@example.com", long_password).status == 302
    # The documented bcrypt limit: bytes after the 72nd are not part of the hash.
    assert formats.verify(stored_hash(app, "long@example.com"), same_start)
    set_stage(LESSON.slug, "argon2id")
    other = type(browser)(app)
    assert other.login("long@example.com", long_password).status == 302  # upgraded now
    assert not formats.verify(stored_hash(app, "long@example.com"), same_start)


def test_breach_page_rehashes_the_demo_users_with_the_active_stage(app, set_stage, browser):
    set_stage(LESSON.slug, "sha256")
    page = browser.get(BREACH)
    assert page.status == 200 and "$argon2id$" in page.text  # seeded at the default stage
    assert browser.post(f"{BREACH}/rehash-demo", data={}).status == 400  # no CSRF token
    assert browser.submit(f"{BREACH}/rehash-demo", {}, form_path=BREACH).status == 302
    document = json.loads(browser.get(f"{BREACH}/dump.json").text)
    hashes = {row["email"]: row["password_hash"] for row in document["users"]}
    assert hashes["bob@example.com"] == "sha256$" + formats.sha256_hex("sunshine")
    assert set(document["victims"]) == {
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
        "dave@example.com",
    }


def test_breach_exists_only_in_lab_mode_and_on_loopback(tmp_path, app):
    remote = app.test_client()
    reply = remote.get(f"{BREACH}/dump.json", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert reply.status_code == 403
    (tmp_path / "prod").mkdir()
    production, _drop = make_app(tmp_path / "prod", LAB_ENABLED=False)
    try:
        client = production.test_client()
        assert client.get(f"{BREACH}/dump.json").status_code == 404
        assert client.get("/lab/weak-password-storage/speeds").status_code == 404
        result = production.test_cli_runner().invoke(dump_users_command, [])
        assert result.exit_code != 0 and "only in lab mode" in result.output
    finally:
        with production.app_context():
            db.engine.dispose()


def test_speeds_page_renders_a_chart_without_inline_styles(browser, monkeypatch):
    fake = {"plaintext": 2e6, "sha256": 1e6, "bcrypt": 4.0, "argon2id": 30.0}
    monkeypatch.setattr(crack, "measure_rates", lambda seconds=0.25: fake)
    lab._speeds.clear()
    page = browser.get("/lab/weak-password-storage/speeds")
    assert page.status == 200
    assert page.text.count("<meter") == 4
    assert 'value="0.60"' in page.text  # log10(4): bcrypt's bar
    assert "250,000×" in page.text  # bcrypt is 250,000 times slower than sha256
    assert "style=" not in page.text and "<script" not in page.text  # the lab's CSP
    lab._speeds.clear()


@pytest.mark.hash_cost  # the crack's budget is set against what a guess costs
def test_measured_speeds_rank_the_schemes():
    rates = crack.measure_rates(seconds=0.05)
    assert list(rates) == ["plaintext", "sha256", "bcrypt", "argon2id"]
    assert rates["sha256"] > 1000 * rates["argon2id"]
    assert rates["sha256"] > 1000 * rates["bcrypt"]


@pytest.mark.hash_cost  # it checks the cost each stage stores
def test_crack_speeds_names_both_slow_schemes_parameters(monkeypatch):
    from click.testing import CliRunner

    fake = {"plaintext": 2e6, "sha256": 1e6, "bcrypt": 4.0, "argon2id": 2.5}
    monkeypatch.setattr(crack, "measure_rates", lambda seconds=0.25: fake)
    result = CliRunner().invoke(crack_command, ["--speeds"])
    assert result.exit_code == 0, result.output
    assert "[cost 12]" in result.output and "[m=128 MiB, t=3, p=1]" in result.output
    assert "One argon2id guess costs 1.6x a bcrypt guess here" in result.output


@pytest.mark.slow
def test_argon2id_costs_at_least_a_bcrypt_12_guess():
    """The stage's parameters, measured against bcrypt-12 in one process, paired, repeated."""
    import bcrypt
    from argon2 import PasswordHasher

    stage = LESSON.module("argon2id")  # its constants: tests run a cheaper HASHER (conftest)
    real = PasswordHasher(time_cost=stage.PASSES, memory_cost=stage.MEMORY_KIB, parallelism=1)
    stored = real.hash("correct horse battery staple")
    reference = bcrypt.hashpw(b"correct horse battery staple", bcrypt.gensalt(12))

    def seconds(guess) -> float:
        started = time.perf_counter()
        guess()
        return time.perf_counter() - started

    ratios = []
    for _ in range(5):
        before = seconds(lambda: bcrypt.checkpw(b"wrong guess", reference))
        argon = seconds(lambda: formats.verify(stored, "wrong guess"))
        after = seconds(lambda: bcrypt.checkpw(b"wrong guess", reference))
        ratios.append(argon / ((before + after) / 2))
    assert statistics.median(ratios) >= 1.0, ratios


def test_lookup_table_is_built_once_and_cached(crack_cache):
    words = ["sunshine", "iloveyou", "football"]
    first = crack.lookup_table(words)
    assert first.built_now and first.path.parent == crack_cache and first.path.exists()
    second = crack.lookup_table(words)
    assert not second.built_now and second.table == first.table
    assert second.table[formats.sha256_hex("football")] == "football"
    assert crack.lookup_table(["other"]).path != first.path  # one table per wordlist


@pytest.mark.hash_cost  # the crack's budget is set against what a guess costs
def test_dictionary_attack_keeps_to_its_budget():
    from marketplace.lessons.weak_password_storage.stages import argon2id

    entries = [
        crack.Entry(f"u{i}@example.com", argon2id.hash_password("Not-listed-1")) for i in (1, 2)
    ]
    started = time.perf_counter()
    argon2id.verify_password(entries[0].stored, "one guess")
    one_guess = time.perf_counter() - started
    report = crack.dictionary_attack(entries, crack.default_wordlist(), budget=0.2)
    assert report.exhausted and not report.cracked
    stats = report.stats["argon2id"]
    assert stats.guesses >= 1 and stats.rate > 0
    # At most one guess past the budget (three guesses' time of slack on a loaded machine).
    assert report.seconds < 0.2 + 3 * one_guess + 0.5
    assert any("would take about" in note for note in report.notes)


def test_dump_must_have_the_expected_shape(tmp_path):
    bad = tmp_path / "bad.json"
    for content in ("not json", "[]", '{"users": [{"email": 1}]}'):
        bad.write_text(content)
        with pytest.raises(crack.DumpError):
            crack.load_dump(bad)


@pytest.mark.hash_cost  # the crack's budget is set against what a guess costs
def test_dump_users_and_crack_commands(app, set_stage, tmp_path):
    set_stage(LESSON.slug, "sha256")
    dump = tmp_path / "dump.json"
    runner = app.test_cli_runner()
    result = runner.invoke(dump_users_command, ["--rehash-demo", "-o", str(dump)])
    assert result.exit_code == 0, result.output
    assert "4 users written" in result.output
    result = runner.invoke(crack_command, [str(dump), "--budget", "2"])
    assert result.exit_code == 0, result.output
    assert "built a SHA-256 table of 30,000 passwords" in result.output
    for email, password in (("bob", "sunshine"), ("carol", "iloveyou"), ("dave", "football")):
        assert f"cracked {email}@example.com" in result.output and repr(password) in result.output
    assert "guesses/s" in result.output and "Cracked 3 of 4 accounts." in result.output
    assert "guessing" not in result.output  # no progress bar outside a terminal
    again = runner.invoke(crack_command, [str(dump), "--method", "lookup"])
    assert "loaded the precomputed SHA-256 table" in again.output
    assert runner.invoke(crack_command, []).exit_code != 0  # no dump: a usage error
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    refused = runner.invoke(crack_command, [str(bad)])
    assert refused.exit_code == 1 and '"users" list' in refused.output


def test_lab_page_shows_the_lesson_and_its_links(client):
    page = client.get("/lab/weak-password-storage").get_data(as_text=True)
    assert "Transparent upgrade" in page and "decisive-vulnerable" in page
    assert 'href="/lab/weak-password-storage/breach"' in page
    assert 'href="/lab/weak-password-storage/speeds"' in page


def test_guesses_per_second_cycles_the_words_and_counts_every_call():
    seen = []
    rate, made = crack.guesses_per_second(seen.append, 0.0, minimum=5, words=["a", "b"])
    assert made == 5 == len(seen) and seen == ["a", "b", "a", "b", "a"]
    assert rate > 0
    rate, made = crack.guesses_per_second(seen.append, 0.0, minimum=1, batch=10)
    assert made == 10 and seen[-1] == "guess-9"
