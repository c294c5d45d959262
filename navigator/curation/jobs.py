"""Background jobs for the curator pages: a preview, an apply, a feed fetch. Each records its stage
and done/total from the import pipeline's `progress` callback, which the page polls as JSON.

One runner per app, kept on `app.state` (created on first use), with ONE worker thread: imports
write the store in a single transaction each, and SQLite has one writer anyway, so running them
one after another loses nothing and keeps a large import from starving page requests. Jobs live
in this process's memory: that is fine for the embedded one-process deployment. Several app
replicas would instead keep jobs in a store table claimed by a worker (e.g. PostgreSQL
`SELECT ... FOR UPDATE SKIP LOCKED`, or a queue such as RQ/Celery), with the staged uploads on
shared storage, so any replica can answer the polling request.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

KEEP_SECONDS = 3600  # finished jobs are forgotten after an hour (their results are in the store)
STAGE_LABELS = {
    "queued": "Waiting for another import to finish",
    "reading": "Reading the files",
    "fetching": "Fetching the feed",
    "details": "Fetching each service's details",
    "checking": "Checking records",
    "saving": "Saving listings",
    "duplicates": "Looking for possible duplicates",
    "vanished": "Marking listings that left the feed",
    "indexing": "Updating the search index",
    "rollback": "Rolling back",
    "done": "Finished",
    "failed": "Stopped",
}


class JobFailed(Exception):
    """A job ended with a message for the curator (not a crash)."""


@dataclass
class Job:
    id: str
    kind: str  # preview / apply / fetch / rollback
    owner: str
    title: str
    state: str = "queued"  # queued / running / done / failed
    stage: str = "queued"
    done: int = 0
    total: int = 0
    message: str | None = None
    result_url: str | None = None  # where the page goes when the job is done
    back_url: str | None = None  # where to go after a failure
    created: float = field(default_factory=time.time)
    finished: float | None = None

    def progress(self, stage: str, done: int, total: int) -> None:
        """The pipeline's progress callback."""
        self.stage, self.done, self.total = stage, done, total

    def to_dict(self) -> dict[str, Any]:
        percent = round(100 * self.done / self.total) if self.total else None
        label = STAGE_LABELS.get(self.stage, self.stage.capitalize())
        if self.total and self.state == "running":
            label = f"{label}: {self.done:,} of {self.total:,}"
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "state": self.state,
            "stage": self.stage,
            "status_text": label if self.state != "failed" else (self.message or label),
            "done": self.done,
            "total": self.total,
            "percent": percent,
            "message": self.message,
            "result_url": self.result_url,
            "back_url": self.back_url,
        }


Work = Callable[[Job], str | None]  # does the work, returns the result URL


def new_job_id() -> str:
    return secrets.token_urlsafe(12)


class JobRunner:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="curator-job")

    def submit(
        self,
        kind: str,
        owner: str,
        title: str,
        work: Work,
        back_url: str | None = None,
        job_id: str | None = None,
    ) -> Job:
        """Queue `work`. Pass `job_id` (from `new_job_id`) when its id must be recorded before it runs."""
        job = Job(job_id or new_job_id(), kind, owner, title, back_url=back_url)
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, work)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Job, work: Work) -> None:
        job.state, job.stage = "running", "reading"
        try:
            job.result_url = work(job)
            job.state, job.stage = "done", "done"
        except JobFailed as exc:
            job.state, job.stage, job.message = "failed", "failed", str(exc)
        except Exception:  # a bug must not kill the worker; the curator gets a plain message
            log.exception("curator job %s (%s) failed", job.id, job.kind)
            job.state, job.stage = "failed", "failed"
            job.message = (
                "Something went wrong inside Navigator. Check the import history to see whether "
                "anything was imported before trying again; if it happens again, tell an administrator."
            )
        finally:
            job.finished = time.time()

    def _forget_old(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for key in [k for k, j in self._jobs.items() if j.finished and j.finished < cutoff]:
            del self._jobs[key]
