"""One load step: locust headless at a fixed number of users for a fixed time (its own process),
and its CSV statistics read back per request name."""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass
class Stats:
    """One request name's figures (times in ms, as locust rounds them)."""

    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    mean: float
    max: float


@dataclass
class Step:
    users: int
    seconds: float
    total: Stats
    by_name: dict[str, Stats]
    failures: list[dict[str, str]] = field(default_factory=list)  # locust's failure rows (message, count)
    client_cpu_s: float = 0.0  # CPU the locust process itself used (it shares the machine)
    server_cpu_s: float = 0.0  # CPU the server used during the step (set by the caller)
    started_at_s: float = 0.0  # on the RSS sampler's clock
    ended_at_s: float = 0.0
    exit_code: int = 0

    @property
    def error_rate(self) -> float:
        return self.total.failures / self.total.requests if self.total.requests else 0.0

    @property
    def server_cpu_ms_per_request(self) -> float:
        """Server CPU per request: what a request costs whatever else runs on the machine."""
        return round(1000 * self.server_cpu_s / self.total.requests, 1) if self.total.requests else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "error_rate": self.error_rate,
            "server_cpu_ms_per_request": self.server_cpu_ms_per_request,
        }


def run_step(
    host: str,
    users: int,
    seconds: int,
    csv_prefix: Path,
    *,
    workload: Path | None = None,
    spawn_rate: float | None = None,
    timeout_s: float | None = None,
    reset_stats: bool = True,
) -> Step:
    """Run locust against `host`. With `reset_stats` the figures count from when all users have
    started (the ramp is left out); without, every request counts."""
    env = {**os.environ}
    if workload is not None:
        env["NAVIGATOR_LOAD_WORKLOAD"] = str(workload)
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--host",
        host,
        "--headless",
        "-u",
        str(users),
        "-r",
        str(spawn_rate or max(1, users)),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *(["--reset-stats"] if reset_stats else []),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout_s or seconds + 120,
        check=False,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    by_name, total = read_stats(Path(f"{csv_prefix}_stats.csv"))
    if total.requests == 0 and done.returncode != 0:
        raise RuntimeError(f"locust failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Step(
        users=users,
        seconds=round(wall, 1),
        total=total,
        by_name=by_name,
        failures=read_failures(Path(f"{csv_prefix}_failures.csv")),
        client_cpu_s=round(cpu, 1),
        exit_code=done.returncode,
    )


def read_stats(path: Path) -> tuple[dict[str, Stats], Stats]:
    """Per request name, and the aggregate, from locust's `_stats.csv`."""
    by_name: dict[str, Stats] = {}
    total = Stats(0, 0, 0.0, 0, 0, 0, 0, 0)
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            stats = Stats(
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                rps=round(float(row["Requests/s"]), 2),
                p50=_ms(row["50%"]),
                p95=_ms(row["95%"]),
                p99=_ms(row["99%"]),
                mean=round(float(row["Average Response Time"]), 1),
                max=round(float(row["Max Response Time"]), 1),
            )
            if row["Name"] == "Aggregated":
                total = stats
            else:
                by_name[row["Name"]] = stats
    return by_name, total


def read_failures(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        return [dict(row) for row in csv.DictReader(f)]


def _ms(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0
