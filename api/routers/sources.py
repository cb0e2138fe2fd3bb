"""/api/v1/sources: each source's newest run, and the admin request to run one now."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import TypeAdapter
from sqlalchemy import select
from starlette.responses import Response

from api import queries
from api.deps import AdminDep, SessionDep
from api.errors import ERROR_RESPONSES, ApiError
from models.enums import RunStatus
from models.schemas import ErrorOut, RunRequestOut, SourceOut
from models.tables import ScrapeRun

router = APIRouter(prefix="/api/v1", tags=["sources"], responses=ERROR_RESPONSES)

_SOURCES = TypeAdapter(list[SourceOut])


@router.get("/sources", response_model=list[SourceOut])
def list_sources(session: SessionDep) -> Response:
    """Every configured source with its newest run: status, counts, error."""
    return Response(_SOURCES.dump_json(queries.list_sources(session)), media_type="application/json")


@router.post(
    "/sources/{name}/run",
    response_model=RunRequestOut,
    status_code=202,
    responses={
        401: {"model": ErrorOut, "description": "No bearer token"},
        403: {"model": ErrorOut, "description": "Wrong token, or admin endpoints disabled"},
        409: {"model": ErrorOut, "description": "A run of this source is running (the message names it) or queued"},
    },
)
def request_run(
    name: Annotated[str, Path(max_length=100, pattern=r"^[a-z0-9-]+$", description="the source name")],
    _admin: AdminDep,
    session: SessionDep,
) -> Response:
    """Queue a run of a source now (admin: Bearer JOBFEED_ADMIN_TOKEN); the scheduler picks it up.

    409 while a run of the source is active (it would drop the request) or queued."""
    now = datetime.now(UTC)
    running = session.execute(
        select(ScrapeRun.id, ScrapeRun.started_at, ScrapeRun.trigger)
        .where(ScrapeRun.source == name, ScrapeRun.status == RunStatus.RUNNING, ScrapeRun.lease_expires_at >= now)
        .order_by(ScrapeRun.id.desc())
        .limit(1)
    ).first()
    if running is not None:
        run_id, started_at, trigger = running
        raise ApiError(
            409,
            f"Run {run_id} of {name!r} ({trigger}) is running since {started_at.isoformat()}; "
            "it will store what the source lists now. Ask again after it finishes.",
        )
    result = queries.request_run(session, name, now)
    if result.outcome == "unknown_source":
        names = queries.source_names(session)
        raise ApiError(
            404, f"No source named {name!r}. Known sources: {', '.join(names) or 'none'}.", valid_values=names
        )
    assert result.requested_at is not None
    if result.outcome == "already_queued":
        raise ApiError(
            409,
            f"A run of {name!r} is already queued (requested at {result.requested_at.isoformat()}); "
            "wait for the scheduler to start it.",
        )
    body = RunRequestOut(source=name, requested_at=result.requested_at)
    return Response(body.model_dump_json(), status_code=202, media_type="application/json")
