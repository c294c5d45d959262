"""FastAPI glue shared by the curator routers (import, history, feeds): page rendering, the job
runner on app.state, and the role check for the streamed upload."""

from __future__ import annotations

import hmac
import threading
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from navigator.app.templating import templates
from navigator.auth.csrf import csrf_token, uses_bearer
from navigator.auth.deps import AuthError, OptionalUserDep
from navigator.auth.install import register_template_globals
from navigator.auth.protected import ROLE_MARK
from navigator.auth.users import CurrentUser
from navigator.curation import staging
from navigator.curation.jobs import Job, JobRunner
from navigator.curation.staging import Staged

CURATOR_ROLES = ("curator", "admin")
NO_STORE = {"Cache-Control": "no-store"}
_RUNNER_LOCK = threading.Lock()  # guards only the one-time creation of the per-app runner

register_template_globals()


def get_jobs(request: Request) -> JobRunner:
    """The app's job runner, created on first use (the app factory need not know about it)."""
    state = request.app.state
    runner: JobRunner | None = getattr(state, "curator_jobs", None)
    if runner is None:
        with _RUNNER_LOCK:
            runner = getattr(state, "curator_jobs", None)
            if runner is None:
                runner = JobRunner()
                state.curator_jobs = runner
                staging.sweep_expired(staging.uploads_root(state.settings))
    return runner


JobsDep = Annotated[JobRunner, Depends(get_jobs)]


async def curator_streaming_upload(request: Request, user: OptionalUserDep) -> CurrentUser:
    """CuratorDep for the upload route, minus its CSRF check — which would read the whole multipart
    body (`request.form()`) before the handler could count it. `receive_multipart` checks the token
    itself instead, from the X-CSRF-Token header or the form's first field, before any file data."""
    if user is None:
        raise AuthError(401, "You need to sign in to see this.", CURATOR_ROLES)
    if user.role not in CURATOR_ROLES:
        raise AuthError(403, "You are signed in without curator rights; this needs a curator or an admin.")
    return user


setattr(curator_streaming_upload, ROLE_MARK, frozenset(CURATOR_ROLES))
UploadCuratorDep = Annotated[CurrentUser, Depends(curator_streaming_upload)]


def token_checker(request: Request) -> Any:
    """A function telling whether a CSRF token sent with this request is the right one."""
    if uses_bearer(request):
        return lambda token: True  # bearer-authenticated scripts are exempt, as everywhere
    expected = csrf_token(request)
    return lambda token: bool(token) and hmac.compare_digest(str(token).encode(), expected.encode())


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    user: CurrentUser | None = None,
    status_code: int = 200,
) -> Response:
    context = {"current_user": user, **context}
    return templates().TemplateResponse(
        request, f"curator/{name}", context, status_code=status_code, headers=NO_STORE
    )


def message_page(
    request: Request,
    user: CurrentUser | None,
    status_code: int,
    title: str,
    message: str,
    links: list[tuple[str, str]] | None = None,
    section: str = "import",
) -> Response:
    """A plain page saying what happened and where to go next (or its JSON twin)."""
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status_code, headers=NO_STORE)
    return page(
        request,
        "message.html",
        {"page_title": title, "message": message, "links": links or [], "curator_section": section},
        user=user,
        status_code=status_code,
    )


def visible_job(runner: JobRunner, job_id: str, user: CurrentUser) -> Job | None:
    """The job if this user may see it (its owner, or an admin)."""
    job = runner.get(job_id)
    if job is None or (job.owner != user.email and user.role != "admin"):
        return None
    return job


def visible_staged(request: Request, staged_id: str, user: CurrentUser) -> Staged | None:
    staged = staging.load(staging.uploads_root(request.app.state.settings), staged_id)
    if staged is None:
        return None
    if staged.owner != user.email and user.role != "admin":
        return None
    return staged
