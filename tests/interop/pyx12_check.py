"""Validating the project's own X12 output with pyx12 (an independent implementation of
the guides), for tests that skip when pyx12 is not installed.

pyx12 4.0 ships ``277.5010.X212.xml`` (claim status response) unfinished and leaves it
out of its map index: its GS segment carries the 820's codes (GS01 RA, GS08 005010X218),
its detail loop is positioned before BHT, the provider, subscriber and dependent levels
(2000C/D/E) sit in wrappers beside the receiver level instead of under it, and SE lies
outside the transaction set. Every pyx12 run on any 277 (the public guide examples too)
fails on those before it reaches the data. :func:`repaired_maps` writes a map folder
in which that one map has the guide's HL nesting (as pyx12's own X214 map has it), the
right GS codes and SE in its set; segments, elements, usages and code lists are
pyx12's own and untouched."""

from __future__ import annotations

import importlib.resources
import io
import json
import xml.etree.ElementTree as ET  # reading pyx12's own packaged map, not untrusted input
from pathlib import Path
from typing import Any

X212 = "277.5010.X212.xml"
_X214_ENTRY = '<map vriic="005010X214" fic="HN" abbr="277">277.5010.X214.xml</map>'


def repaired_maps(target: Path) -> Path:
    maps = Path(str(importlib.resources.files("pyx12") / "map"))
    for source in maps.iterdir():
        if source.name not in ("maps.xml", X212):
            (target / source.name).symlink_to(source)
    index = (maps / "maps.xml").read_text(encoding="utf-8")
    extra = f'\n    <map vriic="005010X212" fic="HN" abbr="277">{X212}</map>'
    (target / "maps.xml").write_text(index.replace(_X214_ENTRY, _X214_ENTRY + extra))
    tree = ET.parse(maps / X212)  # noqa: S314
    root = tree.getroot()
    parents = {child: parent for parent in root.iter() for child in parent}

    def loop(xid: str) -> ET.Element:
        return next(node for node in root.iter("loop") if node.get("xid") == xid)

    def set_text(node: ET.Element, path: str, text: str) -> None:
        found = node.find(path)
        assert found is not None
        found.text = text

    for segment in root.iter("segment"):
        if segment.get("xid") == "GS":
            for element in segment.iter("element"):
                if element.get("xid") == "GS01":
                    set_text(element, "valid_codes/code", "HN")
                elif element.get("xid") == "GS08":
                    set_text(element, "valid_codes/code", "005010X212")
    set_text(loop("DETAIL"), "pos", "0200")
    for child, parent in (("2000B", "2000A"), ("2000C", "2000B"), ("2000D", "2000C")):
        node = loop(child)
        parents[node].remove(node)
        set_text(node, "pos", "2000")
        loop(parent).append(node)
    dependent = loop("2000E")
    parents[dependent].remove(dependent)
    set_text(dependent, "pos", "2000")
    loop("2000D").append(dependent)
    for wrapper in ("TABLE2AREA4", "TABLE2AREA5", "TABLE2AREA6"):
        node = loop(wrapper)
        parents[node].remove(node)
    area3 = loop("TABLE2AREA3")
    trailer = next(s for s in area3.iter("segment") if s.get("xid") == "SE")
    parents[area3].remove(area3)
    set_text(trailer, "pos", "5550")
    loop("ST_LOOP").append(trailer)
    tree.write(target / X212, encoding="utf-8", xml_declaration=True)
    return target


def _messages(node: Any) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "errors" and isinstance(value, list):
                out += [str(e.get("err_str", e)) if isinstance(e, dict) else str(e) for e in value]
            else:
                out += _messages(value)
    elif isinstance(node, list):
        for item in node:
            out += _messages(item)
    return out


def pyx12_errors(text: str, map_path: Path) -> list[str]:
    """Every error pyx12 finds in ``text`` (empty when it is valid)."""
    import pyx12.params
    import pyx12.x12n_document

    report = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(
        pyx12.params.params(),
        io.StringIO(text),
        None,
        None,
        None,
        fd_json=report,
        map_path=str(map_path),
    )
    errors = _messages(json.loads(report.getvalue() or "{}"))
    if not valid and not errors:
        errors = ["pyx12 found the document invalid without naming an error"]
    return errors
