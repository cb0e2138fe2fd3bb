"""/healthz (the database answers) and /metrics (Prometheus text)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from api import queries
from api.deps import SessionDep
from models.schemas import HealthOut

router = APIRouter(tags=["operations"])
log = logging.getLogger(__name__)


@router.get("/healthz", response_model=HealthOut, responses={503: {"model": HealthOut}})
def healthz(session: SessionDep) -> Response:
    """Liveness with a database check: 200 when the database answers, 503 when it does not."""
    try:
        queries.database_ok(session)
    except SQLAlchemyError as exc:
        log.warning("health check: database unavailable: %s", type(exc).__name__)
        body = HealthOut(status="unavailable", database=type(exc).__name__)
        return Response(body.model_dump_json(), status_code=503, media_type="application/json")
    return Response(HealthOut(status="ok", database="ok").model_dump_json(), media_type="application/json")


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
def metrics(request: Request) -> Response:
    """Prometheus metrics: requests by route and status, latency, per-source last run, open jobs by category."""
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
