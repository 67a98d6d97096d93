"""Documentation that goes stale is worse than none: these tests tie the docs to the code."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def _documented_variables() -> set[str]:
    text = (ROOT / "docs" / "configuration.md").read_text()
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", text, flags=re.MULTILINE))


def test_every_variable_the_code_reads_is_documented() -> None:
    missing = settings.CONFIG_VARIABLES - _documented_variables()
    assert not missing, f"add to docs/configuration.md: {sorted(missing)}"


def test_every_documented_variable_is_still_read() -> None:
    stale = _documented_variables() - settings.CONFIG_VARIABLES
    assert not stale, f"docs/configuration.md lists variables nothing reads: {sorted(stale)}"


def test_the_readme_commands_are_makefile_targets() -> None:
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):", makefile, flags=re.MULTILINE))
    for command in re.findall(r"^make ([a-z][a-z0-9-]*)", readme, flags=re.MULTILINE):
        assert command in targets, f"README mentions `make {command}`, which the Makefile lacks"


def _security_table_tests() -> set[str]:
    text = (ROOT / "docs" / "security.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("|")]
    return {ref for row in rows for ref in re.findall(r"`(tests/[^`\s]+)`", row)}


def test_every_test_named_in_the_security_table_exists() -> None:
    references = _security_table_tests()
    assert len(references) > 50
    missing = []
    for reference in sorted(references):
        path, _, name = reference.partition("::")
        file = ROOT / path
        if not file.is_file() or (
            name
            and not re.search(
                rf"^(?:async )?def {re.escape(name)}\(", file.read_text(), flags=re.MULTILINE
            )
        ):
            missing.append(reference)
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"


def test_every_row_of_the_security_table_names_a_test_or_says_not_covered() -> None:
    text = (ROOT / "docs" / "security.md").read_text()
    for row in text.splitlines():
        if not row.startswith("| ") or row.startswith(("| ASVS |", "| requirement |")):
            continue
        last = row.rstrip(" |").rsplit("|", 1)[-1]
        assert "`tests/" in last or "not covered" in last, row


def test_the_files_the_accessibility_audit_names_exist() -> None:
    text = (ROOT / "docs" / "accessibility.md").read_text()
    named = set(re.findall(r"`(tests/[^`\s]+\.py)`", text))
    assert len(named) >= 4
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert not missing, f"docs/accessibility.md names files that do not exist: {missing}"
