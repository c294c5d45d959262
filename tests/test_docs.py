"""Docs stay true: every setting is documented, the README's commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from navigator.config import Settings

REPO = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented() -> None:
    doc = (REPO / "docs" / "settings.md").read_text()
    missing = [name for name in Settings.model_fields if f"NAVIGATOR_{name.upper()}" not in doc]
    assert not missing, f"add these to docs/settings.md: {missing}"
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} needs a description"


def test_readme_commands_exist(cli) -> None:  # type: ignore[no-untyped-def]
    readme = (REPO / "README.md").read_text()
    commands = set(re.findall(r"^\s+navigator ([a-z]+)", readme, flags=re.M))
    assert {"import", "listings", "show"} <= commands
    for command in sorted(commands):
        result = cli(command, "--help")
        assert result.exit_code == 0, f"`navigator {command}` in README does not exist: {result.output}"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in readme and "make run" in readme
    assert re.search(r"^make test$", ci, flags=re.M)
