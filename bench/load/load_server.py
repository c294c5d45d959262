"""The server under load: `navigator serve` in its own process on a loopback port, and a sampler that
records its resident memory (RSS), CPU and the machine's load average every few seconds."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from navigator.config import Settings

try:
    import psutil
except ImportError:  # locust depends on psutil, but the sampler also works from /proc alone
    psutil = None

ORIGIN = "https://council.example"  # the council website that embeds the chat widget
# Every request comes from one address (127.0.0.1), so per-client rate limits would refuse the
# load itself: each setting named *_rate_per_minute is raised for the run (the security tests
# check the limits; here they would only measure the limiter saying no).
UNLIMITED = 1_000_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(
    data_dir: Path, embedding_backend: str | None = None, model_cache_dir: Path | None = None
) -> dict[str, str]:
    """The environment `navigator serve` runs with: the data folder, the chat widget's origin, and
    per-client rate limits out of the way (all load comes from one address)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "NAVIGATOR_DATA_DIR": str(data_dir)}
    env["NAVIGATOR_CHAT_ALLOWED_ORIGINS"] = ORIGIN
    for name in Settings.model_fields:
        if name.endswith("_rate_per_minute"):
            env[f"NAVIGATOR_{name.upper()}"] = str(UNLIMITED)
    if embedding_backend:
        env["NAVIGATOR_EMBEDDING_BACKEND"] = embedding_backend
    if model_cache_dir:
        env["NAVIGATOR_MODEL_CACHE_DIR"] = str(model_cache_dir)
    return env


@dataclass
class Sample:
    t: float  # seconds since the sampler started
    rss_mb: float
    cpu_percent: float  # of one core, since the previous sample
    load1: float
    stopped: bool = False  # the server was found stopped (another job sent it SIGSTOP)


@dataclass
class Sampler:
    """Samples one process every `every` seconds on a thread until stopped."""

    pid: int
    every: float = 2.0
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Sampler:
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        t0 = time.monotonic()
        last = (t0, cpu_seconds(self.pid))
        while True:
            try:
                rss = _rss_mb(self.pid)
                now, cpu = time.monotonic(), cpu_seconds(self.pid)
            except (OSError, ValueError):
                return  # the server has gone: nothing more to sample
            busy = 100 * (cpu - last[1]) / max(now - last[0], 1e-6)
            last = (now, cpu)
            sample = Sample(round(now - t0, 1), round(rss, 1), round(busy, 1), os.getloadavg()[0])
            sample.stopped = _state(self.pid) == "T"
            self.samples.append(sample)
            if self._stop.wait(self.every):
                return

    def mark(self) -> float:
        """Seconds since the sampler started (to tie samples to the load steps)."""
        return self.samples[-1].t if self.samples else 0.0

    def stop(self) -> list[Sample]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        return self.samples


def _rss_mb(pid: int) -> float:
    if psutil is not None:
        try:
            return float(psutil.Process(pid).memory_info().rss) / 2**20
        except psutil.Error as exc:
            raise OSError(str(exc)) from exc
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise OSError(f"no VmRSS for process {pid}")


def _state(pid: int) -> str:
    """The process state letter from /proc ("R", "S", "T" for stopped, …); "" where there is no /proc."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far."""
    if psutil is not None:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error as exc:
            raise OSError(str(exc)) from exc
        return float(times.user + times.system)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    started_s: float

    def stop(self) -> int:
        """Stop the server (SIGTERM, then SIGKILL after 20 s); returns its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return int(self.process.returncode)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def start_server(
    data_dir: Path,
    log_path: Path,
    *,
    port: int | None = None,
    embedding_backend: str | None = None,
    model_cache_dir: Path | None = None,
    timeout_s: float = 300,
) -> Server:
    """Start `navigator serve` on `data_dir` and wait until a search answers (the model is loaded
    then); its output goes to `log_path`."""
    import httpx

    port = port or free_port()
    navigator = Path(sys.executable).parent / "navigator"
    command = [str(navigator), "serve", "--port", str(port), "--log-level", "warning"]
    log: IO[Any] = log_path.open("wb")
    t0 = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=server_env(data_dir, embedding_backend, model_cache_dir),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(f"http://127.0.0.1:{port}", process, log_path, 0.0)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"navigator serve stopped while starting:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.url}/api/search", params={"q": "warm up"}, timeout=60).status_code == 200:
                server.started_s = time.perf_counter() - t0
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"navigator serve did not answer within {timeout_s:.0f} s:\n{server.log_tail()}")


def rss_summary(samples: list[Sample], after_s: float = 0.0) -> dict[str, float]:
    """RSS at the start and end, its maximum, and its slope (MiB per minute, least squares) over the
    samples from `after_s` on; the slope over the second half shows whether memory still grows."""
    kept = [s for s in samples if s.t >= after_s] or samples
    if not kept:
        return {}
    half = kept[len(kept) // 2 :]
    return {
        "rss_start_mb": kept[0].rss_mb,
        "rss_end_mb": kept[-1].rss_mb,
        "rss_max_mb": max(s.rss_mb for s in kept),
        "rss_slope_mb_per_min": _slope(kept),
        "rss_slope_second_half_mb_per_min": _slope(half),
        "samples": len(kept),
        "load1_mean": round(sum(s.load1 for s in kept) / len(kept), 2),
        "server_cpu_mean_percent": round(sum(s.cpu_percent for s in kept) / len(kept), 1),
        "samples_server_stopped": sum(s.stopped for s in kept),
    }


def _slope(samples: list[Sample]) -> float:
    if len(samples) < 2:
        return 0.0
    ts = [s.t / 60 for s in samples]
    ys = [s.rss_mb for s in samples]
    mt, my = sum(ts) / len(ts), sum(ys) / len(ys)
    var = sum((t - mt) ** 2 for t in ts)
    if var == 0:
        return 0.0
    return round(sum((t - mt) * (y - my) for t, y in zip(ts, ys, strict=True)) / var, 2)
