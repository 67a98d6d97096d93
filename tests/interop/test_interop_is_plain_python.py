"""The standards code stays free of Django, so it can be tested and reused on its own."""

from __future__ import annotations

import ast
from pathlib import Path

INTEROP = Path(__file__).resolve().parents[2] / "healtheos" / "interop"


def test_no_interop_module_imports_django() -> None:
    offenders = []
    for path in INTEROP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert not offenders
