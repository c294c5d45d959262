"""SIGKILL at random points during an import, many runs: afterwards the store always passes
`PRAGMA integrity_check`, holds exactly the data from before the import or exactly the data after
it (never a mixture), and running the import again completes it.

The kill points are seeded (NAVIGATOR_FAULT_SEED) and spread over the whole import, calibrated from
an uninterrupted run. NAVIGATOR_FAULT_RUNS sets how many (default 15; try 200 locally).
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from navigator.config import Settings
from navigator.store.db import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "faults"))
from fault_store import check_integrity, db_file, read_state, write_versions

REPO = Path(__file__).resolve().parents[1]
ZYGOTE = Path(__file__).parent / "fixtures" / "faults" / "import_zygote.py"
RUNS = int(os.environ.get("NAVIGATOR_FAULT_RUNS", "15"))
SEED = int(os.environ.get("NAVIGATOR_FAULT_SEED", "20240607"))


class Zygote:
    """The warm forking driver (tests/fixtures/faults/import_zygote.py) as a subprocess."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(
            [sys.executable, str(ZYGOTE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "ready"

    def run(
        self, data_dir: Path, file: Path, kill_after: float | None = None, stage: str = ""
    ) -> tuple[int, bool, float]:
        """Import `file` into `data_dir`; SIGKILL it `kill_after` seconds in (or after it reports
        `stage`). Returns (wait status, killed, seconds)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        delay = "-" if kill_after is None else f"{stage}@{kill_after:.4f}" if stage else f"{kill_after:.4f}"
        (data_dir / "fault-stage").unlink(missing_ok=True)
        self.proc.stdin.write(f"{data_dir}\t{file}\t{delay}\n")
        self.proc.stdin.flush()
        tag, status, killed, seconds = self.proc.stdout.readline().rstrip("\n").split("\t")
        assert tag == "done"
        return int(status), killed == "1", float(seconds)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()  # end of input: the driver exits
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


@pytest.fixture(scope="module")
def zygote() -> Iterator[Zygote]:
    z = Zygote()
    yield z
    z.close()


def last_stage(data_dir: Path) -> str:
    lines = (data_dir / "fault-stage").read_text(encoding="utf-8").splitlines()
    return lines[-1] if lines else "starting"


def reset(data_dir: Path, snapshot: bytes) -> None:
    """Put the store back to the state before the import (no WAL left from the last run)."""
    for suffix in ("-wal", "-shm"):
        Path(str(db_file(data_dir)) + suffix).unlink(missing_ok=True)
    db_file(data_dir).write_bytes(snapshot)


def test_sigkill_during_import_leaves_old_or_new_and_a_rerun_completes(
    tmp_path: Path, zygote: Zygote
) -> None:
    # An import of ~1 s on a calm machine: long enough to be hit anywhere, short enough to repeat.
    before_csv, after_csv = write_versions(tmp_path, rows_from_sample=100, change_every=10, add=30)
    data_dir = tmp_path / "data"
    Store.open(Settings(data_dir=data_dir)).dispose()  # migrations applied once, outside the runs
    status, _, _ = zygote.run(data_dir, before_csv)
    assert status == 0
    check_integrity(db_file(data_dir))
    with closing(sqlite3.connect(db_file(data_dir))) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    snapshot = db_file(data_dir).read_bytes()
    old = read_state(db_file(data_dir))
    # The uninterrupted import: the "new" state, and how long an import takes here and now.
    status, _, full = zygote.run(data_dir, after_csv)
    assert status == 0
    new = read_state(db_file(data_dir))
    assert old.key() != new.key() and len(new.services) == len(old.services) + 30
    durations = [full]
    rng = random.Random(SEED)
    outcomes: dict[str, int] = {"killed→old": 0, "killed→new": 0, "finished": 0, "killed while writing": 0}
    log: list[str] = []
    for run in range(RUNS):
        reset(data_dir, snapshot)
        if run % 4 == 3:  # aimed at the commit: just after the last step inside the transaction
            kill_after, aim = rng.uniform(0.0, 0.15), "duplicates 1/1"
            where = f"run {run} (seed {SEED}, kill {kill_after:.3f} s after {aim!r})"
        else:  # anywhere; a few land after the end ("finished")
            kill_after, aim = rng.uniform(0.0, full * 1.1), ""
            where = f"run {run} (seed {SEED}, kill at {kill_after:.3f} s of ~{full:.2f} s)"
        status, killed, took = zygote.run(data_dir, after_csv, kill_after, aim)
        stage = last_stage(data_dir)
        log.append(f"{where}: killed={killed} after {took:.3f} s, in stage {stage!r}")
        # "checking" is the last tick before the write transaction begins.
        if killed and stage.split(" ")[0] in ("checking", "saving", "duplicates"):
            outcomes["killed while writing"] += 1
        assert killed or status == 0, f"{where}: the import failed by itself (status {status})"
        check_integrity(db_file(data_dir))
        state = read_state(db_file(data_dir))
        assert state.unfinished_batches == 0, f"{where}: a half-recorded import batch"
        if state.key() == old.key():
            assert killed and state.batches == old.batches, where
            outcomes["killed→old"] += 1
        else:
            assert state.key() == new.key(), f"{where}: the store holds neither the old nor the new data"
            assert state.batches == new.batches, where
            outcomes["killed→new" if killed else "finished"] += 1
        # Running the import again completes it.
        was_old = state.key() == old.key()
        status, killed, took = zygote.run(data_dir, after_csv)
        assert status == 0 and not killed
        if was_old:  # the same import as the calibration: keep the kill window true to this machine now
            durations.append(took)
            full = statistics.median(durations)
        check_integrity(db_file(data_dir))
        assert read_state(db_file(data_dir)).key() == new.key(), f"{where}: the re-run did not complete it"
    print(f"\nSIGKILL runs: {RUNS}, outcomes {outcomes}, uninterrupted import {full:.2f} s")
    # The kills did land inside imports, most of them in the write transaction.
    assert outcomes["killed→old"] >= 1, log
    assert outcomes["killed while writing"] >= max(2, RUNS // 5), log
