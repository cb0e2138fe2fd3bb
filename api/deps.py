"""FastAPI dependencies as `Annotated` aliases: the session, cache, taxonomy, filters and admin auth.

Everything comes from `request.app.state`, set by `create_app`; no globals. Must not import `scraper`.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.cache import ResponseCache
from api.errors import ApiError
from models.schemas import FeedFilters, OutlierFilters, PostingFilters
from models.settings import Settings
from models.taxonomy import SLUG_MAX_CHARS, SLUG_PATTERN, Category


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


# The ones below do no I/O: `async def` keeps them off the thread pool.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_cache(request: Request) -> ResponseCache:
    cache: ResponseCache = request.app.state.cache
    return cache


async def get_taxonomy(request: Request) -> tuple[Category, ...]:
    taxonomy: tuple[Category, ...] = request.app.state.taxonomy
    return taxonomy


_bearer = HTTPBearer(auto_error=False, description="JOBFEED_ADMIN_TOKEN")


async def require_admin(
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 without a bearer token, 403 with a wrong one or when no admin token is configured."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise ApiError(401, "This endpoint needs 'Authorization: Bearer <JOBFEED_ADMIN_TOKEN>'.", headers=challenge)
    if not settings.admin_token:
        raise ApiError(403, "Admin endpoints are disabled: the server has no JOBFEED_ADMIN_TOKEN set.")
    if not hmac.compare_digest(credentials.credentials.encode(), settings.admin_token.encode()):
        raise ApiError(403, "The bearer token is not the admin token (JOBFEED_ADMIN_TOKEN).", headers=challenge)


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CacheDep = Annotated[ResponseCache, Depends(get_cache)]
TaxonomyDep = Annotated[tuple[Category, ...], Depends(get_taxonomy)]
FiltersDep = Annotated[PostingFilters, Query()]
FeedDep = Annotated[FeedFilters, Query()]
OutlierFiltersDep = Annotated[OutlierFilters, Query()]
AdminDep = Annotated[None, Depends(require_admin)]
# Any other text is a 422 (the schema's pattern); a slug of that shape that names no category, a 404.
CategorySlugPath = Annotated[
    str, Path(max_length=SLUG_MAX_CHARS, pattern=SLUG_PATTERN, description="a category slug (see /api/v1/categories)")
]
FeedSlugPath = Annotated[
    str, Path(max_length=SLUG_MAX_CHARS, pattern=SLUG_PATTERN, description="a category slug, or `all`")
]


def check_category(slug: str | None, taxonomy: tuple[Category, ...], *, status: int = 422) -> None:
    """ApiError naming the valid slugs when `slug` is not a category of the taxonomy."""
    if slug is None or any(c.slug == slug for c in taxonomy):
        return
    valid = [c.slug for c in taxonomy]
    raise ApiError(
        status,
        f"Unknown category {slug[:60]!r}. Use one of: {', '.join(valid)}.",
        valid_values=valid,
    )
