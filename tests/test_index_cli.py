"""The command line over the search: `index build`, `index status`, `search`, `eval` (fake embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAVIGATOR_EMBEDDING_BACKEND", "fake")


def test_search_before_any_index_says_what_to_run(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "food bank")
    assert result.exit_code == 1
    assert "navigator index build" in result.output


def test_build_status_search_and_eval(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", str(SAMPLE), "--source", "sample", "--no-index").exit_code == 0
    status = cli("index", "status")
    assert status.exit_code == 1 and "index build" in status.output

    built = cli("index", "build")
    assert built.exit_code == 0, built.output
    assert "Built index" in built.output

    status = cli("index", "status", "--json")
    info = json.loads(status.output)
    assert status.exit_code == 0 and info["stale"] is False and info["manifest"]["count"] > 200

    readable = cli("search", "food bank", "--postcode", "DN15", "--limit", "3")
    assert readable.exit_code == 0 and "1." in readable.output and "km" in readable.output

    as_json = json.loads(cli("search", "food bank", "--json", "--limit", "2").output)
    assert len(as_json["results"]) == 2
    assert {"id", "name", "organisation", "score", "why"} <= set(as_json["results"][0])

    bad = cli("search", "food", "--radius-km", "999", "--postcode", "DN15")
    assert bad.exit_code == 2 and "radius_km" in bad.output

    queries = tmp_path / "q.jsonl"
    first_id = as_json["results"][0]["id"]
    queries.write_text(
        json.dumps({"qid": "Q1", "query": "food bank", "relevant": {first_id: 2}})
        + "\n"
        + json.dumps({"qid": "Q2", "query": "someone to talk to"})
        + "\n"
    )
    run = tmp_path / "run.jsonl"
    evaluated = cli("eval", str(queries), "--out", str(run))
    assert evaluated.exit_code == 0, evaluated.output
    assert "nDCG@10:" in evaluated.output and "recall@10: 1.0000" in evaluated.output
    lines = [json.loads(line) for line in run.read_text().splitlines()]
    assert [line["qid"] for line in lines] == ["Q1", "Q2"] and lines[0]["ids"][0] == first_id
