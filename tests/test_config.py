"""Configuration from MARKETPLACE_* variables, production refusals, stage parsing, the CLI's
start-up checks (run for real in a subprocess)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from marketplace import create_app
from marketplace.config import ConfigError, database_url, from_environment, instance_secret_key
from marketplace.extensions import db
from marketplace.lessons import all_lessons, get_lesson, state
from marketplace.models import LessonStage

from .conftest import seed_demo_quickly
from .helpers import ALICE

MARKETPLACE = str(Path(sys.executable).with_name("marketplace"))
PRODUCTION = {"MARKETPLACE_ENV": "production", "MARKETPLACE_SECRET_KEY": "k" * 64}
VULNERABLE = "broken-deauthentication=client-cookie"


# --- from_environment -----------------------------------------------------------------------


def test_production_without_secret_key_refuses(tmp_path):
    with pytest.raises(
        ConfigError, match="MARKETPLACE_ENV=production needs MARKETPLACE_SECRET_KEY"
    ):
        from_environment(str(tmp_path), {"MARKETPLACE_ENV": "production"})
    assert not (tmp_path / "secret_key").exists()  # and no key was invented for it


def test_unknown_environment_refuses(tmp_path):
    with pytest.raises(ConfigError, match="'staging' is not known"):
        from_environment(str(tmp_path), {"MARKETPLACE_ENV": "staging"})


@pytest.mark.parametrize(
    ("environ", "lab", "secure"),
    [
        ({}, True, False),
        ({"MARKETPLACE_ENV": "development"}, True, False),
        (PRODUCTION, False, True),
    ],
    ids=["default", "development", "production"],
)
def test_modes(tmp_path, environ, lab, secure):
    settings = from_environment(str(tmp_path), environ)
    assert settings["LAB_ENABLED"] is lab
    assert settings["SESSION_COOKIE_SECURE"] is secure
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["MAX_CONTENT_LENGTH"] > 0


def test_production_uses_the_given_key(tmp_path):
    assert from_environment(str(tmp_path), PRODUCTION)["SECRET_KEY"] == "k" * 64


def test_secret_key_generated_once_private_and_reused(tmp_path):
    first = from_environment(str(tmp_path), {})["SECRET_KEY"]
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 64 and int(first, 16)
    assert from_environment(str(tmp_path), {})["SECRET_KEY"] == first
    assert instance_secret_key(str(tmp_path)) == first
    other = tmp_path / "other"
    assert instance_secret_key(str(other)) != first  # random, never a constant


def test_empty_secret_key_file_is_replaced(tmp_path):
    (tmp_path / "secret_key").write_text("")
    key = instance_secret_key(str(tmp_path))
    assert len(key) == 64
    assert (tmp_path / "secret_key").read_text() == key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
        (None, "sqlite:////inst/marketplace.sqlite"),
        ("", "sqlite:////inst/marketplace.sqlite"),
    ],
)
def test_database_url(raw, expected):
    assert database_url(raw, "/inst") == expected


def test_other_variables(tmp_path):
    settings = from_environment(
        str(tmp_path),
        {
            "MARKETPLACE_DATABASE_URL": "postgres://db/shop",
            "MARKETPLACE_LAB_ALLOW_REMOTE": "1",
            "MARKETPLACE_RATELIMIT_URL": "redis://127.0.0.1:6379",
            "MARKETPLACE_RATELIMIT_PREFIX": "workshop-2",
            "MARKETPLACE_STAGES": VULNERABLE,
        },
    )
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/shop"
    assert settings["LAB_ALLOW_REMOTE"] is True
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"
    assert settings["RATELIMIT_KEY_PREFIX"] == "workshop-2"
    assert settings["STAGES"] == VULNERABLE


@pytest.mark.parametrize("raw", ["has space", "a:b", "*", "x" * 41])
def test_a_ratelimit_prefix_that_could_match_other_keys_is_refused(tmp_path, raw):
    with pytest.raises(ConfigError, match="MARKETPLACE_RATELIMIT_PREFIX=.*use 1 to 40 letters"):
        from_environment(str(tmp_path), {"MARKETPLACE_RATELIMIT_PREFIX": raw})


# --- MARKETPLACE_STAGES -------------------------------------------------------------------


def test_all_vulnerable_picks_every_first_stage():
    chosen = state.parse_stages("all=vulnerable")
    assert chosen == {lesson.slug: lesson.stages[0].slug for lesson in all_lessons()}


def test_all_fixed_and_later_items_win():
    chosen = state.parse_stages(f" all=fixed , {VULNERABLE} ")
    assert chosen["broken-deauthentication"] == "client-cookie"
    assert chosen["csrf"] == get_lesson("csrf").default_stage.slug
    assert state.parse_stages("") == {}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no-such-lesson=x", "no lesson 'no-such-lesson'"),
        ("broken-deauthentication=nope", "has no stage 'nope'; its stages are: client-cookie"),
        ("broken-deauthentication", "is not LESSON=STAGE"),
        ("broken-deauthentication=", "is not LESSON=STAGE"),
        ("all=everything", "use all=vulnerable or all=fixed"),
    ],
)
def test_unknown_stage_names_are_an_error(spec, message):
    with pytest.raises(state.StageError, match=message):
        state.parse_stages(spec)


def test_unknown_stage_names_stop_the_app(tmp_path):
    with pytest.raises(ConfigError, match="no lesson 'nope'"):
        create_app({"STAGES": "nope=x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x"})


# --- production ---------------------------------------------------------------------------


@pytest.fixture
def production_app(tmp_path, monkeypatch):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MARKETPLACE_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    monkeypatch.delenv("MARKETPLACE_STAGES", raising=False)
    app = create_app()
    with app.app_context():
        db.create_all()
        seed_demo_quickly()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_production_refuses_a_vulnerable_stage(tmp_path, monkeypatch):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MARKETPLACE_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    for spec in (VULNERABLE, "all=vulnerable"):
        monkeypatch.setenv("MARKETPLACE_STAGES", spec)
        with pytest.raises(ConfigError, match="production refuses vulnerable stages"):
            create_app()
    monkeypatch.setenv("MARKETPLACE_STAGES", "all=fixed")
    assert create_app().config["LAB_ENABLED"] is False


def test_production_has_no_lab(production_app):
    client = production_app.test_client()
    assert client.get("/lab/").status_code == 404
    assert client.get("/lab/broken-deauthentication").status_code == 404
    assert 'href="/lab/"' not in client.get("/listings/").get_data(as_text=True)


def test_production_cookies_are_secure(production_app):
    client = production_app.test_client()
    page = client.get("/user/login", base_url="https://localhost")
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_ignores_stored_vulnerable_stages(production_app):
    with production_app.app_context():
        db.session.add(LessonStage(lesson="broken-deauthentication", stage="client-cookie"))
        db.session.commit()
        assert state.active_stage("broken-deauthentication") == "revoke-on-delete"
        with pytest.raises(state.StageError, match="only be chosen in lab mode"):
            state.set_stage("broken-deauthentication", "client-cookie")


def test_production_login_works(production_app):
    client = production_app.test_client()
    https = "https://localhost"
    page = client.get("/user/login", base_url=https).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    reply = client.post(
        "/user/login",
        base_url=https,
        data={"email": ALICE[0], "password": ALICE[1], "csrf_token": token},
        headers={"Origin": https},
    )
    assert reply.status_code == 302
    assert client.get("/user/welcome", base_url=https).status_code == 200


# --- fail closed --------------------------------------------------------------------------


@pytest.mark.parametrize("stored", ["no-such-stage", "", "CLIENT-COOKIE", "x" * 64])
def test_corrupt_stored_stage_falls_back_to_the_fixed_stage(app, stored):
    with app.app_context():
        db.session.add(LessonStage(lesson="broken-deauthentication", stage=stored))
        db.session.commit()
        assert state.active_stage("broken-deauthentication") == "revoke-on-delete"
    client = app.test_client()
    assert client.get("/lab/").status_code == 200
    assert client.get("/user/login").status_code == 200


def test_unreadable_stage_table_falls_back_to_the_fixed_stage(app):
    with app.app_context():
        LessonStage.__table__.drop(db.engine)
        assert state.active_stage("broken-deauthentication") == "revoke-on-delete"


# --- the CLI's start-up checks, for real ----------------------------------------------------


def run_cli(tmp_path, *args, **env):
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MARKETPLACE_") or k == "MARKETPLACE_TEST_POSTGRES_URL"
    }
    environ["MARKETPLACE_DATABASE_URL"] = f"sqlite:///{tmp_path}/cli.sqlite"
    environ.update(env)
    return subprocess.run(
        [MARKETPLACE, *args],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_run_in_production_without_key_exits_with_the_message(tmp_path):
    result = run_cli(tmp_path, "run", "--port", "1", MARKETPLACE_ENV="production")
    assert result.returncode != 0
    assert "MARKETPLACE_ENV=production needs MARKETPLACE_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_run_in_production_with_a_vulnerable_stage_exits(tmp_path):
    result = run_cli(tmp_path, "run", "--port", "1", MARKETPLACE_STAGES=VULNERABLE, **PRODUCTION)
    assert result.returncode != 0
    assert "refuses vulnerable stages (broken-deauthentication=client-cookie)" in result.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "::", "example.com"])
def test_cli_lab_mode_refuses_a_non_loopback_host(tmp_path, host):
    result = run_cli(tmp_path, "run", "--host", host, "--port", "1")
    assert result.returncode != 0
    assert f"{host} is not a loopback address" in result.stderr
    assert not (tmp_path / "cli.sqlite").exists()  # refused before touching anything


def test_cli_unknown_stage_exits_with_the_message(tmp_path):
    result = run_cli(tmp_path, "lab", "list", MARKETPLACE_STAGES="nope=x")
    assert result.returncode != 0
    assert "MARKETPLACE_STAGES: no lesson 'nope'" in result.stderr


def test_production_start_never_creates_the_demo_users(tmp_path, monkeypatch):
    from marketplace.cli import prepare_database
    from marketplace.models import User, count

    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MARKETPLACE_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    app = create_app()
    with app.app_context():
        assert prepare_database() == ({}, 0)
        assert count(User) == 0
        db.engine.dispose()
    app = create_app({"LAB_ENABLED": True, "MARKETPLACE_ENV": "development"})
    with app.app_context():
        assert prepare_database()[1] == 4  # lab mode seeds them, once
        assert prepare_database()[1] == 0
        db.engine.dispose()


@pytest.mark.parametrize(("scratch", "synchronous"), [(False, 2), (True, 0)])
def test_only_a_scratch_sqlite_database_skips_the_disk_flush(tmp_path, scratch, synchronous):
    """The lab's own database flushes every commit (FULL, SQLite's default); the throwaway
    copies that tests, audit and fix check use set SCRATCH_DATABASE and do not (OFF)."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/flush.sqlite",
            "SCRATCH_DATABASE": scratch,
        }
    )
    with app.app_context():
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == synchronous
        db.engine.dispose()
    assert from_environment(str(tmp_path), {})["SCRATCH_DATABASE"] is False


def test_only_a_server_database_pings_its_pooled_connections(tmp_path):
    """PostgreSQL's pooled connections are pinged at checkout (a restart kills them); a
    SQLite file's are not: the ping would be one more statement on every request."""
    sqlite = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.sqlite"})
    postgres = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/none"})
    assert "pool_pre_ping" not in sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert postgres.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
