"""Chapter 1: the exploit against every stage, the advisory matching, and deps-audit."""

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import marketplace
from marketplace.exploits.runner import run_exploit
from marketplace.lessons import get_lesson
from marketplace.lessons.vulnerable_components import commands, osv
from tests.helpers import every_cell

# Advisories and the markdown renderer: no SQL involved. One backend is enough.
pytestmark = pytest.mark.one_backend

LESSON = get_lesson("vulnerable-components")
STAGES = [s.slug for s in LESSON.stages]
LOCK = Path(marketplace.__file__).parent / "requirements-lock.txt"
FLASK_012 = LESSON.module("flask-0.12").requirements_file()
FLASK_103 = LESSON.module("flask-1.0.3").requirements_file()
# The advisory each vulnerable stage's evidence must name first (its Flask's).
FIRST_ADVISORY = {
    "flask-0.12": "PYSEC-2018-66 (CVE-2018-1000656)",
    "flask-1.0.3": "PYSEC-2023-62 (CVE-2023-30861)",
}
ROOT = Path(__file__).resolve().parents[2]


@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    if expected:
        assert FIRST_ADVISORY[stage] in outcome.summary
        advisory = FIRST_ADVISORY[stage].split()[0]
        version = stage.removeprefix("flask-")
        assert any(d.startswith(f"flask {version}: {advisory}") for d in outcome.details)
    else:
        assert "no advisory in the advisory snapshot of 2024-10-10" in outcome.summary
    assert [e.path for e in outcome.exchanges] == ["/lab/vulnerable-components/requirements.txt"]


@pytest.mark.parametrize("stage", STAGES)
def test_lab_serves_the_active_stages_set(set_stage, client, stage):
    set_stage(LESSON.slug, stage)
    answer = client.get("/lab/vulnerable-components/requirements.txt")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    text = answer.get_data(as_text=True)
    assert text == LESSON.module(stage).requirements_file().read_text()
    pins, problems = osv.parse_requirements(text)
    assert not problems and "flask" in {p.name for p in pins}


def test_lab_requirements_page_is_lab_only(tmp_path):
    from marketplace.extensions import db
    from tests.conftest import make_app

    app, _ = make_app(tmp_path, LAB_ENABLED=False)
    try:
        answer = app.test_client().get("/lab/vulnerable-components/requirements.txt")
        assert answer.status_code == 404
    finally:
        with app.app_context():
            db.engine.dispose()


def test_locked_dependencies_match_no_advisory():
    """CI guard: a locked dependency with a known advisory in the snapshot fails the build."""
    pins, problems = osv.parse_requirements(LOCK.read_text())
    assert not problems
    report = osv.audit(pins)
    assert not report.matches, "\n".join(m.line() for m in report.matches)


def test_snapshot_covers_every_locked_package():
    """Adding a dependency means regenerating the subset (tools/make_advisory_snapshot.py)."""
    pins, _ = osv.parse_requirements(
        LOCK.read_text() + FLASK_012.read_text() + FLASK_103.read_text()
    )
    assert not osv.audit(pins).uncovered


def test_snapshot_carries_licence_and_date():
    snapshot = osv.load_snapshot()
    assert snapshot.date == "2024-10-10" and snapshot.commit
    assert snapshot.licence.startswith("CC-BY-4.0")
    licence = (snapshot.path.parent / "LICENSE.txt").read_text()
    assert "Attribution 4.0 International" in licence


# --- Version matching --------------------------------------------------------------------

ENTRY = {
    "package": {"ecosystem": "PyPI", "name": "demo"},
    "ranges": [
        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0"}]},
        {"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"last_affected": "2.3"}]},
        {"type": "GIT", "events": [{"introduced": "0"}, {"fixed": "abc123"}]},
    ],
    "versions": ["5.0.post1"],
}


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ("0.1", True),
        ("0.9.9", True),
        ("1.0rc1", True),  # a pre-release of the fix is still before it
        ("1.0", False),
        ("1.0.0", False),  # PEP 440: 1.0 == 1.0.0
        ("1.5", False),
        ("2.0", True),
        ("2.3", True),
        ("2.3.1", False),
        ("5.0.post1", True),  # only through the versions list
        ("5.0", False),
        ("not-a-version", False),
    ],
)
def test_affects_ranges_and_versions(version, affected):
    assert osv.affects(ENTRY, version) is affected


def test_range_events_in_any_order_and_limit():
    events = [{"fixed": "2.5"}, {"introduced": "2.0"}, {"fixed": "1.0"}, {"introduced": "0"}]
    assert [osv.in_range(v, events) for v in ("0.5", "1.5", "2.2", "3.0")] == [
        True,
        False,
        True,
        False,
    ]
    limited = [{"introduced": "1.0"}, {"limit": "3.0"}]
    assert osv.in_range("2.9", limited) and not osv.in_range("3.0", limited)
    assert not osv.in_range("0.9", limited)


def test_parse_requirements_reports_what_it_cannot_audit():
    pins, problems = osv.parse_requirements(
        "# comment\nFlask==0.12  # pinned\nrequests>=2\n-r other.txt\nnot a requirement!\n"
        "Jinja2[i18n]==2.8.1 ; python_version >= '3'\n"
    )
    assert [(p.name, p.version) for p in pins] == [("flask", "0.12"), ("jinja2", "2.8.1")]
    assert len(problems) == 3 and "not pinned" in problems[0]


# --- marketplace deps-audit ----------------------------------------------------------------


def test_deps_audit_on_flask_012_names_pysec_2018_66():
    result = CliRunner().invoke(commands.deps_audit, [str(FLASK_012)])
    assert result.exit_code == 1, result.output
    assert "PYSEC-2018-66 (CVE-2018-1000656" in result.output
    assert "2024-10-10" in result.output and "CC-BY-4.0" in result.output
    assert "LICENSE.txt" in result.output


def test_deps_audit_json_on_the_lock_is_clean():
    result = CliRunner().invoke(commands.deps_audit, [str(LOCK), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["advisories"] == [] and report["snapshot"]["date"] == "2024-10-10"
    assert len(report["packages"]) == len(LOCK.read_text().split())


def test_the_courses_fix_has_gone_stale():
    """Flask 1.0.3 was the course's clean fix in 2019; the snapshot of 2024 flags it."""
    result = CliRunner().invoke(commands.deps_audit, [str(FLASK_103), "--json"])
    assert result.exit_code == 1, result.output
    found = {a["id"]: a for a in json.loads(result.output)["advisories"]}
    assert found["PYSEC-2023-62"]["package"] == "flask"
    assert "CVE-2023-30861" in found["PYSEC-2023-62"]["aliases"]
    assert "PYSEC-2018-66" not in found  # what the course fixed stays fixed


def test_deps_audit_json_lists_aliases():
    result = CliRunner().invoke(commands.deps_audit, [str(FLASK_012), "--json"])
    found = {a["id"]: a for a in json.loads(result.output)["advisories"]}
    assert "CVE-2018-1000656" in found["PYSEC-2018-66"]["aliases"]
    assert found["PYSEC-2018-66"]["fixed_in"] == ["0.12.3"]


def test_deps_audit_defaults_to_what_the_project_installs():
    """A fresh ``make install`` passes: the venv's own pip/setuptools/wheel are not audited."""
    result = CliRunner().invoke(commands.deps_audit, ["--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["audited"].startswith("the project's installed dependencies")
    audited = {p["name"] for p in report["packages"]}
    locked = {p.name for p in osv.parse_requirements(LOCK.read_text())[0]}
    assert audited == locked
    assert not {"pip", "setuptools", "wheel", "marketplace"} & audited


def test_project_dependencies_follow_extras_and_installed_versions():
    from importlib import metadata

    pins = {p.name: p.version for p in osv.project_dependencies()}
    assert pins["flask"] == metadata.version("flask")
    assert "redis" in pins  # through Flask-Limiter[redis]
    assert "pytest" in pins  # the project's test extra
    assert osv.project_dependencies("no-such-project") == []


def test_deps_audit_bad_input_is_a_clear_usage_error(tmp_path):
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = CliRunner().invoke(commands.deps_audit, [str(binary)])
    assert result.exit_code == 2 and "not a text file" in result.output
    missing = CliRunner().invoke(commands.deps_audit, [str(tmp_path / "absent.txt")])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_deps_audit_online_without_pip_audit_says_so(monkeypatch):
    monkeypatch.setattr(commands.shutil, "which", lambda *a, **k: None)
    result = CliRunner().invoke(commands.deps_audit, [str(FLASK_012), "--online"])
    assert result.exit_code == 3
    assert "--online needs pip-audit" in result.output


def test_deps_audit_is_a_marketplace_command():
    from marketplace.cli import main

    assert main.get_command(None, "deps-audit") is commands.deps_audit


def test_snapshot_tool_cuts_a_subset(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_advisory_snapshot as tool
    finally:
        sys.path.pop(0)
    database = tmp_path / "db"
    (database / "vulns" / "flask").mkdir(parents=True)
    (database / "vulns" / "django").mkdir(parents=True)
    (database / "LICENSE").write_text("Attribution 4.0 International\n")
    (database / "SNAPSHOT.md").write_text("commit abcdef12, dated 2024-10-10.\n")
    (database / "vulns" / "flask" / "PYSEC-1.yaml").write_text(
        "id: PYSEC-1\nmodified: 2021-08-25T04:30:09Z\naffected:\n- package: {name: flask, "
        "ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n"
        "    - introduced: '0'\n    - fixed: 0.12.3\n"
    )
    (database / "vulns" / "django" / "PYSEC-2.yaml").write_text(
        "id: PYSEC-2\naffected:\n- package: {name: django, ecosystem: PyPI}\n  versions: ['1.0']\n"
    )
    requirements = tmp_path / "req.txt"
    requirements.write_text("Flask==0.12\n")
    out = tmp_path / "out"
    assert tool.main([str(database), "--requirements", str(requirements), "--out", str(out)]) == 0
    snapshot = osv.load_snapshot(out / "osv-subset.json")
    assert [a["id"] for a in snapshot.advisories] == ["PYSEC-1"]
    assert (snapshot.date, snapshot.commit) == ("2024-10-10", "abcdef12")
    assert "flask" in snapshot.packages and "django" not in snapshot.packages
    assert (out / "LICENSE.txt").exists()
    report = osv.audit([osv.Pin("flask", "0.12", "Flask==0.12")], snapshot)
    assert [m.id for m in report.matches] == ["PYSEC-1"]
