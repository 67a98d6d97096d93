"""ASVS 14.2.1: ``make audit-deps`` (``healtheos/core/depaudit.py``) fails CI on a known
vulnerability in a pinned package, honours a dated acceptance only until its date, and
never passes an audit it could not make as a clean one. The tools' answers are recorded
reports (tests use no network)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from healtheos.core import depaudit
from healtheos.core.depaudit import Acceptance, AuditConfigError, evaluate, render

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 5)

#: pip-audit's JSON report with one vulnerable pin (the advisory is made up).
PIP_AUDIT_VULNERABLE = json.dumps(
    {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "vulns": []},
            {
                "name": "examplelib",
                "version": "1.0.0",
                "vulns": [
                    {
                        "id": "PYSEC-2099-1",
                        "fix_versions": ["1.0.1"],
                        "aliases": ["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"],
                    }
                ],
            },
        ],
        "fixes": [],
    }
)
PIP_AUDIT_CLEAN = json.dumps(
    {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}], "fixes": []}
)
#: What pip-audit reports where PyPI's per-release JSON cannot be read.
PIP_AUDIT_NOT_FOUND = json.dumps(
    {
        "dependencies": [
            {
                "name": "django",
                "skip_reason": "Dependency not found on PyPI and could not be audited: "
                "django (5.2.19)",
            }
        ],
        "fixes": [],
    }
)
#: npm audit's JSON report with one advisory (made up).
NPM_VULNERABLE = json.dumps(
    {
        "auditReportVersion": 2,
        "vulnerabilities": {
            "htmx.org": {
                "name": "htmx.org",
                "severity": "moderate",
                "isDirect": True,
                "via": [
                    {
                        "source": 1099001,
                        "name": "htmx.org",
                        "dependency": "htmx.org",
                        "title": "Example advisory",
                        "url": "https://github.com/advisories/GHSA-zzzz-yyyy-xxxx",
                        "severity": "moderate",
                        "range": "<2.0.12",
                    }
                ],
                "effects": [],
                "range": "<2.0.12",
                "fixAvailable": {"name": "htmx.org", "version": "2.0.12", "isSemVerMajor": False},
            }
        },
        "metadata": {"vulnerabilities": {"moderate": 1, "total": 1}},
    }
)
NPM_CLEAN = json.dumps({"auditReportVersion": 2, "vulnerabilities": {}, "metadata": {}})
#: npm's answer where the registry refuses the audit request (as a read-only mirror does).
NPM_REFUSED = json.dumps(
    {
        "message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
        "statusCode": 405,
        "error": {"summary": "", "detail": ""},
    }
)


def _acceptance(**overrides: object) -> Acceptance:
    values: dict[str, object] = {
        "id": "CVE-2099-0001",
        "package": "examplelib",
        "since": dt.date(2026, 12, 1),
        "until": dt.date(2027, 3, 1),
        "reason": "Only reached through the XML reader, which Healtheos never calls.",
        **overrides,
    }
    return Acceptance(**values)  # type: ignore[arg-type]


def test_a_known_vulnerability_in_a_pin_fails_the_audit_and_names_the_fix() -> None:
    report = depaudit.read_pip_audit("requirements.lock", 1, PIP_AUDIT_VULNERABLE, "")
    outcome = evaluate([report], [], today=TODAY)
    assert outcome.status == 1
    text = render(outcome, warn_only=True)
    assert "VULNERABLE  PyPI examplelib 1.0.0: PYSEC-2099-1 / CVE-2099-0001" in text
    assert "fixed in 1.0.1" in text

    npm = depaudit.read_npm_audit(1, NPM_VULNERABLE, "")
    outcome = evaluate([npm], [], today=TODAY)
    assert outcome.status == 1
    assert "npm htmx.org <2.0.12: GHSA-zzzz-yyyy-xxxx" in render(outcome, warn_only=False)
    assert "fixed in htmx.org 2.0.12" in render(outcome, warn_only=False)


def test_clean_reports_pass() -> None:
    reports = [
        depaudit.read_pip_audit("requirements.lock", 0, PIP_AUDIT_CLEAN, ""),
        depaudit.read_npm_audit(0, NPM_CLEAN, ""),
    ]
    outcome = evaluate(reports, [], today=TODAY)
    assert outcome.status == 0
    assert "No known vulnerabilities" in render(outcome, warn_only=False)


def test_an_accepted_vulnerability_passes_only_until_its_date() -> None:
    report = depaudit.read_pip_audit("requirements.lock", 1, PIP_AUDIT_VULNERABLE, "")
    accepted = _acceptance()
    outcome = evaluate([report], [accepted], today=TODAY)
    assert outcome.status == 0
    assert "accepted    PyPI examplelib" in render(outcome, warn_only=False)
    assert "never calls" in render(outcome, warn_only=False)

    late = evaluate([report], [accepted], today=dt.date(2027, 3, 2))
    assert late.status == 1
    assert "EXPIRED     the acceptance of CVE-2099-0001 in examplelib ended on 2027-03-01" in (
        render(late, warn_only=False)
    )
    # Accepting one package's advisory accepts nothing else.
    elsewhere = evaluate([report], [_acceptance(package="otherlib")], today=TODAY)
    assert elsewhere.status == 1


def test_an_audit_that_could_not_ask_is_never_a_clean_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = {
        "pip_audit": (0, PIP_AUDIT_NOT_FOUND, ""),
        "npm": (1, NPM_REFUSED, "npm error audit endpoint returned an error"),
    }

    def fake_run(command: list[str], cwd: Path) -> tuple[int, str, str] | str:
        return answers["npm" if command[0] == "npm" else "pip_audit"]

    monkeypatch.setattr(depaudit, "_run", fake_run)
    args = ["--root", str(ROOT), "--lock", "requirements.lock", "--npm"]
    assert depaudit.main(args) == 2
    out = capsys.readouterr().out
    assert "NOT AUDITED" in out
    assert "requirements.lock: django: Dependency not found on PyPI" in out
    assert "package-lock.json: npm audit did not run (405 Method Not Allowed" in out
    assert "No known vulnerabilities" not in out

    # CI's network has no advisory service: it says so and goes on ...
    assert depaudit.main([*args, "--if-unreachable=warn"]) == 0
    assert "NOT AUDITED (warning only" in capsys.readouterr().out
    # ... but a vulnerability found still fails it.
    answers["pip_audit"] = (1, PIP_AUDIT_VULNERABLE, "")
    assert depaudit.main([*args, "--if-unreachable=warn"]) == 1

    # A tool that gives no report, or no answer in time, is not a clean audit either.
    answers["pip_audit"] = (1, "", "requests.exceptions.ConnectionError: pypi.org")
    answers["npm"] = (0, NPM_CLEAN, "")
    assert depaudit.main(args) == 2
    assert "pip-audit gave no report (requests.exceptions.ConnectionError" in (
        capsys.readouterr().out
    )
    monkeypatch.setattr(depaudit, "_run", lambda command, cwd: "no answer within 240 s")
    assert depaudit.main(args) == 2
    assert "did not finish (no answer within 240 s)" in capsys.readouterr().out


def test_the_command_lines_are_ones_the_tools_take_without_a_network() -> None:
    from pip_audit._cli import _parser

    command = depaudit.pip_audit_command(ROOT / "requirements.lock")
    assert command[1:3] == ["-m", "pip_audit"]
    parsed = _parser().parse_args(command[3:])
    assert parsed.no_deps
    assert parsed.disable_pip
    assert parsed.timeout == depaudit.SOCKET_TIMEOUT
    assert str(parsed.vulnerability_service).lower().endswith("pypi")
    assert "--omit=dev" in depaudit.NPM_AUDIT_COMMAND
    assert depaudit.RUN_TIMEOUT < 600  # a dead service ends the step, never hangs CI


def test_acceptances_need_a_reason_and_dates(tmp_path: Path) -> None:
    assert depaudit.load_acceptances(ROOT / "dependency-audit.toml") == []
    bad = tmp_path / "audit.toml"
    bad.write_text('[[accept]]\nid = "CVE-2099-1"\npackage = "x"\nsince = 2026-12-01\n')
    with pytest.raises(AuditConfigError, match="missing reason, until"):
        depaudit.load_acceptances(bad)
    bad.write_text(
        '[[accept]]\nid = "CVE-2099-1"\npackage = "x"\nsince = 2026-12-01\n'
        'until = 2026-11-01\nreason = "x"\n'
    )
    with pytest.raises(AuditConfigError, match="until must come after since"):
        depaudit.load_acceptances(bad)


def test_ci_audits_both_lock_files_and_the_npm_packages() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\naudit-deps:", 1)[1].split("\n\n", 1)[0]
    assert "--lock requirements.lock" in recipe
    assert "--lock requirements-dev.lock" in recipe
    assert "--npm" in recipe
    assert "make audit-deps" in (ROOT / ".ci" / "run").read_text()
    assert "pip-audit==" in (ROOT / "requirements-dev.lock").read_text()
