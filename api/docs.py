"""/docs (Swagger UI) and /redoc served with their scripts and styles from the installed fastapi-offline
package, so that the documentation works with no network (FastAPI's defaults load them from a CDN)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

ASSETS_PATH = "/docs-assets"
ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"


def install_docs(app: FastAPI) -> None:
    """Add /docs, /redoc and their assets; `app` must be built with docs_url=None and redoc_url=None."""
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    title = app.title
    # The pages close over strings, not over `app`: FastAPI caches what it learns of each endpoint function in
    # process-wide caches (4,096 entries), so an endpoint closing over its app would keep every app a process
    # builds alive, with its routes, models and engine (the tests build hundreds).

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - API documentation",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} - API reference",
            redoc_js_url=f"{ASSETS_PATH}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_PATH}/favicon.png",
            with_google_fonts=False,
        )


def describe_choices(app: FastAPI, choices: Mapping[str, Sequence[str]], *, bodies: Sequence[str] = ()) -> None:
    """State in the OpenAPI schema that a query parameter named in `choices`, or a property of that name of
    the request-body schemas `bodies`, takes one of its values: a `category` one of the taxonomy's slugs (data,
    so the list is filled in when the app is built), a `code` one of the flag codes. The API answers 422
    naming the valid values for any other."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                    if parameter.get("in") == "query" and parameter.get("name") in choices:
                        _set_enum(parameter["schema"], list(choices[parameter["name"]]))
        components = schema.get("components", {}).get("schemas", {})
        for body in bodies:
            for name, values in choices.items():
                if name in components[body].get("properties", {}):
                    _set_enum(components[body]["properties"][name], list(values))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _set_enum(schema: dict[str, Any], values: list[str]) -> None:
    """Put `enum` on the string branch of `schema` (`anyOf: [string, null]` for an optional parameter)."""
    for branch in schema.get("anyOf", [schema]):
        if branch.get("type") == "string":
            for bound in ("minLength", "maxLength", "pattern"):
                branch.pop(bound, None)
            branch["enum"] = list(values)
