"""Serving the built dashboard (package data in ``earnest/web/dist``) at ``/``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles


def dashboard_dir() -> Path:
    return Path(str(resources.files("earnest") / "web" / "dist"))


def mount_dashboard(app: FastAPI) -> None:
    """``/`` and ``/r/<name>`` answer with the app's index.html; ``/assets`` with its files."""
    dist = dashboard_dir()
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    async def page() -> FileResponse | JSONResponse:
        if not index.is_file():
            return JSONResponse(
                {"detail": "the dashboard is not built; the API is at /docs"}, status_code=404
            )
        return FileResponse(index)

    app.add_api_route("/", page, include_in_schema=False, response_model=None)
    app.add_api_route("/r/{name}", page, include_in_schema=False, response_model=None)
