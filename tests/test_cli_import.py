"""`navigator import / listings / show` as a curator uses them, including every bad input the
directory issue names: each gets a clear message naming the file and place, a non-zero exit where
nothing could be imported, and never a half-written store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from navigator.config import Settings
from navigator.store import models as m
from navigator.store.db import Store

FIX = Path(__file__).parent / "fixtures" / "pipeline"


def _services(settings: Settings) -> int:
    store = Store.open(settings)
    try:
        with store.read() as s:
            return s.scalar(select(func.count()).select_from(m.Service)) or 0
    finally:
        store.dispose()


def test_import_prints_a_readable_report_and_reimport_is_unchanged(cli, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    first = cli("import", str(FIX / "services_v3.json"), "--source", "fixture", "--no-index")
    assert first.exit_code == 0, first.output
    assert "Added" in first.output and "Rejected records" in first.output
    assert "TST-004" in first.output and "name" in first.output.lower()
    again = cli("import", str(FIX / "services_v3.json"), "--source", "fixture", "--no-index", "--json")
    assert again.exit_code == 0
    report = json.loads(again.output)
    assert report["counts"]["unchanged"] == 3 and report["counts"]["added"] == 0


def test_report_file_and_dry_run(cli, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.json"
    result = cli(
        "import", str(FIX / "services_v3.json"), "--source", "fixture", "--dry-run", "--report", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output
    data = json.loads(out.read_text())
    assert data["dry_run"] is True and data["counts"]["added"] == 3
    assert data["rejected"][0]["source_id"] == "TST-004"
    assert _services(settings) == 0


def test_listings_and_show(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("listings").output.startswith("The directory is empty")
    cli("import", str(FIX / "services_v3.json"), "--source", "fixture", "--no-index")
    listed = cli("listings", "--json")
    assert listed.exit_code == 0
    [row] = json.loads(listed.output)
    assert row["source"] == "fixture" and row["total"] == 3 and row["by_status"] == {"active": 3}
    assert row["stale"] >= 1  # TST-003 was never verified
    shown = cli("show", "TST-001")
    assert shown.exit_code == 0
    assert "Sandgate Friendship Lunch" in shown.output and "CT20 3AB" in shown.output
    as_json = json.loads(cli("show", "fixture:TST-001", "--json").output)
    assert as_json["record"]["organization"]["name"] == "Sandgate Neighbours"
    missing = cli("show", "NOPE")
    assert missing.exit_code == 1 and "No listing has the id 'NOPE'" in missing.output


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


HEADER = "service_id,service_name,organisation,description,postcode\n"


@pytest.mark.parametrize(
    ("name", "content", "expect"),
    [
        ("empty.json", "", "empty"),
        ("empty.csv", "", "empty"),
        ("malformed.json", '[{"id": "A", "name": "x",,}]', "line 1"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "deep"),
        ("no-header.csv", "\n\n\n", "header"),
        ("missing-columns.csv", "colour,size\nred,big\n", "name"),
        ("notes.txt", "just some notes", "not in a format Navigator recognises"),
        ("binary.csv", bytes(range(256)) * 40, "csv"),
    ],
)
def test_unreadable_files_are_explained_and_nothing_is_written(  # type: ignore[no-untyped-def]
    cli, settings: Settings, tmp_path: Path, name: str, content: str | bytes, expect: str
) -> None:
    path = _write(tmp_path / name, content)
    result = cli("import", str(path), "--source", "bad", "--no-index")
    assert result.exit_code == 2, result.output
    assert path.name in result.output
    assert expect.lower() in result.output.lower()
    assert _services(settings) == 0


def test_a_folder_that_is_not_a_directory_format(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "holiday-photos"
    folder.mkdir()
    result = cli("import", str(folder), "--no-index")
    assert result.exit_code == 2
    assert "holiday-photos" in result.output and "folder" in result.output


def test_unknown_format_option(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("import", str(FIX / "services_v3.json"), "--format", "pdf", "--no-index")
    assert result.exit_code == 2 and "Unknown format 'pdf'" in result.output


def test_row_level_problems_are_reported_and_the_rest_imported(
    cli, settings: Settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    big = "A long description. " * (10 * 1024 * 1024 // 20)  # a 10 MB cell
    rows = [
        'S1,Formula Friends,=HYPERLINK("http://evil.example"),Meets on Mondays for tea and a chat.,CT21 5AB',
        "S2,Plus Club,+44 club,@everyone welcome at our weekly games afternoon in the hall.,CT20 1AA",
        f"S3,Huge Description Group,Big Org,{big},DN15 6AA",
        "S1,Repeat of S1,Org,This row repeats an id that appeared earlier in the file.,CT21 5AB",
        "S4,,Nameless Org,This row has no service name and should be rejected.,BS5 6AA",
        "S5,-Minus Group,Org,Starts with a minus sign but is a genuine listing for neighbours.,BS5 6AA",
    ]
    path = _write(tmp_path / "mixed.csv", HEADER + "\n".join(rows) + "\n")
    result = cli("import", str(path), "--source", "sheet", "--no-index", "--json")
    assert result.exit_code == 0, result.output[-2000:]
    report = json.loads(result.output)
    assert report["counts"]["added"] == 4
    [repeat] = [r for r in report["rejected"] if "duplicate id S1" in r["reason"]]
    assert "line 5" in repeat["locator"] and "line 2" in repeat["reason"]
    [nameless] = [r for r in report["rejected"] if r["source_id"] == "S4"]
    assert "name" in nameless["reason"].lower() and "line 6" in nameless["locator"]
    assert any("cut" in w["message"] for w in report["warnings"] if w["source_id"] == "S3")
    store = Store.open(settings)
    with store.read() as s:
        names = {sid: name for sid, name in s.execute(select(m.Service.source_id, m.Service.name))}
        orgs = {o for (o,) in s.execute(select(m.Organization.name))}
        huge = s.scalars(select(m.Service).where(m.Service.source_id == "S3")).one()
    store.dispose()
    # cells that look like formulas are kept as literal text, never evaluated or dropped
    assert '=HYPERLINK("http://evil.example")' in orgs and names["S5"] == "-Minus Group"
    assert huge.description is not None and len(huge.description) <= settings.max_field_chars + 10


def test_mixed_encodings_lose_no_rows(cli, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    utf8 = "M1,Café Conversations,Crêpe Club,Friendly café chats in English and French every week.,CT21 5AB\n"
    cp1252 = (
        "M2,Naïve Art Group,Art Org,Painting for beginners — all materials provided each week.,CT20 1AA\n"
    )
    data = HEADER.encode() + utf8.encode("utf-8") + cp1252.encode("cp1252")
    path = _write(tmp_path / "mixed-encoding.csv", data)
    result = cli("import", str(path), "--source", "enc", "--no-index", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["counts"]["added"] == 2
    store = Store.open(settings)
    with store.read() as s:
        names = {n for (n,) in s.execute(select(m.Service.name))}
    store.dispose()
    assert names == {"Café Conversations", "Naïve Art Group"}
