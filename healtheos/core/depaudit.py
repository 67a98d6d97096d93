"""Known vulnerabilities in the pinned packages (ASVS 14.2.1): ``make audit-deps``.

pip-audit checks every pin of ``requirements.lock`` and ``requirements-dev.lock`` against
PyPI's vulnerability data, without installing anything; ``npm audit`` checks the
production npm packages of ``package-lock.json`` against the npm registry's advisories.
A vulnerability fails the audit unless ``dependency-audit.toml`` accepts it, with a reason
and a date to look again; an acceptance past that date fails the audit too.

An audit that could not ask (the service is unreachable or does not answer in time, or a
package could not be looked up) is not a clean audit: it exits 2 and says so. CI on a
network without the advisory services runs it with ``--if-unreachable=warn``, which prints
the same warning and exits 0; a vulnerability found still fails.

Exit status: 0 clean (or unreachable with ``warn``), 1 vulnerabilities, 2 not audited.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Seconds one socket read may wait (pip-audit's own), and one whole tool run.
SOCKET_TIMEOUT = 15
RUN_TIMEOUT = 240


class AuditConfigError(Exception):
    """``dependency-audit.toml`` is malformed."""


@dataclass(frozen=True)
class Finding:
    ecosystem: str  # "PyPI" or "npm"
    package: str
    version: str
    ids: tuple[str, ...]  # the advisory's identifier first, then its aliases
    fixed_in: tuple[str, ...] = ()
    title: str = ""

    def describe(self) -> str:
        fix = f"; fixed in {', '.join(self.fixed_in)}" if self.fixed_in else "; no fixed release"
        title = f" ({self.title})" if self.title else ""
        return f"{self.ecosystem} {self.package} {self.version}: {' / '.join(self.ids)}{title}{fix}"


@dataclass(frozen=True)
class Acceptance:
    id: str
    package: str
    since: dt.date
    until: dt.date
    reason: str


@dataclass
class Report:
    """What one tool said: its findings, and what it could not check, with why."""

    findings: list[Finding] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    open: list[Finding]
    accepted: list[tuple[Finding, Acceptance]]
    expired: list[Acceptance]
    not_audited: list[str]

    @property
    def status(self) -> int:
        if self.open or self.expired:
            return 1
        return 2 if self.not_audited else 0


def load_acceptances(path: Path) -> list[Acceptance]:
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise AuditConfigError(f"{path}: {exc}") from exc
    found = []
    for number, entry in enumerate(data.get("accept", []), start=1):
        where = f"{path}, acceptance {number}"
        missing = {"id", "package", "since", "until", "reason"} - set(entry)
        if missing:
            raise AuditConfigError(f"{where}: missing {', '.join(sorted(missing))}")
        since, until = entry["since"], entry["until"]
        if not isinstance(since, dt.date) or not isinstance(until, dt.date):
            raise AuditConfigError(f"{where}: since and until are dates (2026-12-05)")
        if until <= since:
            raise AuditConfigError(f"{where}: until must come after since")
        if not str(entry["reason"]).strip():
            raise AuditConfigError(f"{where}: the reason may not be empty")
        found.append(
            Acceptance(
                id=str(entry["id"]),
                package=str(entry["package"]).lower(),
                since=since,
                until=until,
                reason=str(entry["reason"]).strip(),
            )
        )
    return found


def evaluate(
    reports: Sequence[Report], acceptances: Sequence[Acceptance], *, today: dt.date
) -> Outcome:
    outcome = Outcome(open=[], accepted=[], expired=[], not_audited=[])
    for report in reports:
        outcome.not_audited.extend(report.not_audited)
        for finding in report.findings:
            match = next(
                (
                    a
                    for a in acceptances
                    if a.id in finding.ids and a.package == finding.package.lower()
                ),
                None,
            )
            if match is None:
                outcome.open.append(finding)
            else:
                outcome.accepted.append((finding, match))
    outcome.expired = [a for a in acceptances if a.until < today]
    return outcome


# -- pip-audit -----------------------------------------------------------------------------


def pip_audit_command(lock: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(lock),
        "--no-deps",  # the lock files pin every package already
        "--disable-pip",  # read the pins; never build an environment
        "--vulnerability-service",
        "pypi",
        "--format",
        "json",
        "--aliases",
        "on",
        "--desc",
        "off",
        "--progress-spinner",
        "off",
        "--timeout",
        str(SOCKET_TIMEOUT),
    ]


def read_pip_audit(lock: str, returncode: int, stdout: str, stderr: str) -> Report:
    """pip-audit's JSON report for one lock file (exit status 1 with a report means
    vulnerabilities; without one, that it failed)."""
    try:
        data = json.loads(stdout)
        dependencies = data["dependencies"]
    except (ValueError, KeyError, TypeError):
        return Report(not_audited=[f"{lock}: pip-audit gave no report ({_last_line(stderr)})"])
    report = Report()
    for dep in dependencies:
        name = str(dep.get("name", "?"))
        if "skip_reason" in dep:
            report.not_audited.append(f"{lock}: {name}: {dep['skip_reason']}")
            continue
        for vuln in dep.get("vulns", []):
            report.findings.append(
                Finding(
                    ecosystem="PyPI",
                    package=name,
                    version=str(dep.get("version", "")),
                    ids=(str(vuln["id"]), *(str(a) for a in vuln.get("aliases", []))),
                    fixed_in=tuple(str(v) for v in vuln.get("fix_versions", [])),
                )
            )
    return report


# -- npm audit -----------------------------------------------------------------------------


NPM_AUDIT_COMMAND = ["npm", "audit", "--omit=dev", "--package-lock-only", "--json"]


def read_npm_audit(returncode: int, stdout: str, stderr: str) -> Report:
    """npm's JSON report (exit status 1 with vulnerabilities, too); without the
    ``vulnerabilities`` map it is an error report: the registry did not answer the audit."""
    try:
        data = json.loads(stdout)
    except ValueError:
        data = None
    if not isinstance(data, dict) or "vulnerabilities" not in data:
        why = _npm_error(data) or _last_line(stderr)
        return Report(not_audited=[f"package-lock.json: npm audit did not run ({why})"])
    report = Report()
    for name, entry in data["vulnerabilities"].items():
        for via in entry.get("via", []):
            if not isinstance(via, dict):
                continue  # a package vulnerable through another one, listed on its own
            advisory = str(via.get("url", "")).rstrip("/").rsplit("/", 1)[-1]
            ids = tuple(i for i in (advisory, str(via.get("source", ""))) if i)
            fix = entry.get("fixAvailable")
            report.findings.append(
                Finding(
                    ecosystem="npm",
                    package=str(via.get("name", name)),
                    version=str(via.get("range", "")),
                    ids=ids or ("unnamed advisory",),
                    fixed_in=(f"{fix['name']} {fix['version']}",) if isinstance(fix, dict) else (),
                    title=str(via.get("title", "")),
                )
            )
    return report


def _npm_error(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    error = data.get("error")
    if isinstance(error, dict) and (error.get("summary") or error.get("code")):
        return str(error.get("summary") or error.get("code"))
    return str(data.get("message", ""))


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


# -- running -------------------------------------------------------------------------------


def _run(command: list[str], cwd: Path) -> tuple[int, str, str] | str:
    """The tool's exit status and output, or why it did not finish."""
    try:
        done = subprocess.run(  # noqa: S603 (our own fixed command line)
            command, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return f"no answer within {RUN_TIMEOUT} s"
    except FileNotFoundError as exc:
        return f"{command[0]} is not installed ({exc})"
    return done.returncode, done.stdout, done.stderr


def audit(*, root: Path, locks: Sequence[str], npm: bool) -> list[Report]:
    reports = []
    for lock in locks:
        ran = _run(pip_audit_command(root / lock), root)
        reports.append(
            Report(not_audited=[f"{lock}: pip-audit did not finish ({ran})"])
            if isinstance(ran, str)
            else read_pip_audit(lock, *ran)
        )
    if npm:
        ran = _run(NPM_AUDIT_COMMAND, root)
        reports.append(
            Report(not_audited=[f"package-lock.json: npm audit did not finish ({ran})"])
            if isinstance(ran, str)
            else read_npm_audit(*ran)
        )
    return reports


def render(outcome: Outcome, *, warn_only: bool) -> str:
    lines = []
    for finding in outcome.open:
        lines.append(f"VULNERABLE  {finding.describe()}")
    for acceptance in outcome.expired:
        lines.append(
            f"EXPIRED     the acceptance of {acceptance.id} in {acceptance.package} ended on "
            f"{acceptance.until}: upgrade, or look again and give it a new date"
        )
    for finding, acceptance in outcome.accepted:
        lines.append(
            f"accepted    {finding.describe()} until {acceptance.until}: {acceptance.reason}"
        )
    if outcome.not_audited:
        lines.append(
            "NOT AUDITED the vulnerability services could not be asked about these, so they"
            " are not known to be safe:"
        )
        by_source: dict[str, list[str]] = {}
        for item in outcome.not_audited:
            source, _, why = item.partition(": ")
            by_source.setdefault(source, []).append(why)
        for source, reasons in by_source.items():
            more = f" (and {len(reasons) - 1} more like it)" if len(reasons) > 1 else ""
            lines.append(f"  {source}: {reasons[0]}{more}")
        if warn_only:
            lines.append(
                "NOT AUDITED (warning only, --if-unreachable=warn): run `make audit-deps` "
                "where PyPI's JSON API and the npm registry's audit endpoint answer."
            )
    if outcome.status == 0:
        lines.append("No known vulnerabilities in the pinned packages.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="audit-deps", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--lock", action="append", default=[], help="a pinned requirements file")
    parser.add_argument("--npm", action="store_true", help="also audit package-lock.json")
    parser.add_argument("--accept-file", default="dependency-audit.toml")
    parser.add_argument("--if-unreachable", choices=["fail", "warn"], default="fail")
    args = parser.parse_args(argv)
    try:
        acceptances = load_acceptances(args.root / args.accept_file)
    except AuditConfigError as exc:
        print(f"audit-deps: {exc}", file=sys.stderr)
        return 2
    reports = audit(root=args.root, locks=args.lock, npm=args.npm)
    outcome = evaluate(reports, acceptances, today=dt.datetime.now(dt.UTC).date())
    warn_only = args.if_unreachable == "warn"
    print(render(outcome, warn_only=warn_only))
    if outcome.status == 2 and warn_only:
        return 0
    return outcome.status


if __name__ == "__main__":
    sys.exit(main())
