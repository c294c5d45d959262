"""docs/security-checklist.md stays true: every test it names exists, every ASVS chapter the issue
asks for has a section, and every security test file is mapped somewhere."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHECKLIST = REPO / "docs" / "security-checklist.md"
REFERENCE = re.compile(r"(tests/[\w/]+\.py)::(\w+)")
CHAPTERS = ("V1", "V2", "V3", "V4", "V5", "V7", "V8", "V9", "V12", "V13", "V14")


def defined_tests(path: Path) -> set[str]:
    """Names of the test functions a file defines (module level, or methods of Test classes)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {n.name for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    return {n for n in names if n.startswith("test")}


def references() -> list[tuple[str, str]]:
    return REFERENCE.findall(CHECKLIST.read_text(encoding="utf-8"))


def test_every_referenced_test_exists() -> None:
    found = references()
    assert len(found) >= 60, "the checklist names the tests that cover it"
    missing = []
    for file, name in found:
        path = REPO / file
        if not path.is_file():
            missing.append(f"{file} (no such file)")
        elif name not in defined_tests(path):
            missing.append(f"{file}::{name}")
    assert not missing, "the checklist names tests that do not exist:\n" + "\n".join(sorted(set(missing)))


def test_every_asked_for_chapter_has_a_section() -> None:
    headings = re.findall(r"^## (V\d+) ", CHECKLIST.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert set(CHAPTERS) <= set(headings), set(CHAPTERS) - set(headings)


def test_every_security_test_file_is_mapped() -> None:
    mapped = {file for file, _ in references()}
    files = {f"tests/{p.name}" for p in (REPO / "tests").glob("test_security_*.py")} - {
        "tests/test_security_checklist.py"
    }
    assert files <= mapped, f"not in docs/security-checklist.md: {sorted(files - mapped)}"


def test_the_checker_notices_a_missing_test() -> None:
    assert "test_every_referenced_test_exists" in defined_tests(Path(__file__))
    assert "test_no_such_thing" not in defined_tests(Path(__file__))
