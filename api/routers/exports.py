"""/api/v1/jobs.ndjson and /api/v1/jobs.csv: every posting matching the /jobs filters, streamed page by page."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Request
from starlette.responses import StreamingResponse

from api.deps import FiltersDep, TaxonomyDep, check_category
from api.errors import ERROR_RESPONSES
from api.queries.exports import csv_chunks, export_pages, ndjson_chunks

router = APIRouter(prefix="/api/v1", tags=["exports"], responses=ERROR_RESPONSES)

NDJSON, CSV = "application/x-ndjson", "text/csv; charset=utf-8"


def _stream(request: Request, body: Iterator[bytes], media_type: str, filename: str) -> StreamingResponse:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return StreamingResponse(body, media_type=media_type, headers=headers)


@router.get("/jobs.ndjson", response_class=StreamingResponse, responses={200: {"content": {NDJSON: {}}}})
async def export_ndjson(request: Request, filters: FiltersDep, taxonomy: TaxonomyDep) -> StreamingResponse:
    """Every job matching the /jobs filters (limit ignored), one posting record per line, newest first."""
    check_category(filters.category, taxonomy)
    pages = export_pages(request.app.state.session_factory, filters)
    return _stream(request, ndjson_chunks(pages), NDJSON, "jobs.ndjson")


@router.get("/jobs.csv", response_class=StreamingResponse, responses={200: {"content": {CSV: {}}}})
async def export_csv(request: Request, filters: FiltersDep, taxonomy: TaxonomyDep) -> StreamingResponse:
    """Every job matching the /jobs filters (limit ignored) as CSV, one row per posting; lists joined by ';'."""
    check_category(filters.category, taxonomy)
    pages = export_pages(request.app.state.session_factory, filters)
    return _stream(request, csv_chunks(pages), CSV, "jobs.csv")
