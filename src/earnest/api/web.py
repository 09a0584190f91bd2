"""Serving the built dashboard (package data in ``earnest/web/dist``) at ``/``.

Vite names each built asset after a hash of its content, so those are cached for a year
and never revalidated; ``index.html`` (which names them) and the unhashed Swagger UI
files are revalidated on each use. Assets are gzipped for clients that accept it.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from earnest.api.conditional import IMMUTABLE, REVALIDATE
from earnest.api.snapshots import GZIP_MIN_BYTES

HASHED = re.compile(r"^[^/]+-[A-Za-z0-9_-]{8}\.(?:js|css)$")
"""A file name as Vite writes it: ``<name>-<8 characters of hash>.<ext>``."""


class _Assets(StaticFiles):
    """Static files with the ``Cache-Control`` their names call for."""

    def file_response(self, full_path: str | os.PathLike[str], stat_result: os.stat_result,
                      scope: Scope, status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        path = Path(full_path)
        hashed = HASHED.match(path.name) and path.parent.name == "assets"
        response.headers["Cache-Control"] = IMMUTABLE if hashed else REVALIDATE
        return response


def dashboard_dir() -> Path:
    return Path(str(resources.files("earnest") / "web" / "dist"))


def mount_dashboard(app: FastAPI) -> None:
    """``/`` and ``/r/<name>`` answer with the app's index.html; ``/assets`` with its files."""
    dist = dashboard_dir()
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        # Compressed per request, once per client: hashed files are cached for good.
        app.mount("/assets", GZipMiddleware(_Assets(directory=dist / "assets"),
                                            minimum_size=GZIP_MIN_BYTES, compresslevel=6),
                  name="assets")

    async def page() -> FileResponse | JSONResponse:
        if not index.is_file():
            return JSONResponse(
                {"detail": "the dashboard is not built; the API is at /docs"}, status_code=404
            )
        return FileResponse(index, headers={"Cache-Control": REVALIDATE})

    app.add_api_route("/", page, include_in_schema=False, response_model=None)
    app.add_api_route("/r/{name}", page, include_in_schema=False, response_model=None)
