"""Shared fixtures: a fresh store per test, the CLI runner, and the real data when it is present."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Every test has its own data folder; the ONNX export of the model is shared, made once per machine.
os.environ.setdefault("NAVIGATOR_MODEL_CACHE_DIR", str(Path(tempfile.gettempdir()) / "navigator-test-models"))
# A test module that sends many searches through one client must not meet the per-client limit when
# the machine is fast enough to send them inside a minute; the limits' own tests pass their values.
os.environ.setdefault("NAVIGATOR_SEARCH_RATE_PER_MINUTE", "100000")
os.environ.setdefault("NAVIGATOR_CHAT_RATE_PER_MINUTE", "100000")

from navigator.config import Settings
from navigator.store.db import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NAVIGATOR_SHARED_DIR", REPO.parent / "shared"))
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_DIR = REPO / "directory_data"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store.open(settings)
    yield s
    s.dispose()


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or skip: the real datasets are never copied into the repo."""
    path = SHARED / "data"
    if not (path / "real").is_dir():
        pytest.skip("../shared/data is not present")
    return path


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def cli(settings: Settings):  # type: ignore[no-untyped-def]
    """Run `navigator ARGS...` in-process against this test's data dir; returns the click Result."""
    from typer.testing import CliRunner

    from navigator.cli import _register
    from navigator.cli._app import app

    _register()
    runner = CliRunner()

    def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], input=input)

    return run
