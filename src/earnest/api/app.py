"""``create_app``: the FastAPI application over a store and a bus."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, ORJSONResponse

from earnest import __version__
from earnest.api.routes import status, subreddits
from earnest.api.web import mount_dashboard
from earnest.bus.base import Bus
from earnest.errors import BackendError, EarnestError, NotFound
from earnest.store.base import Store


def create_app(store: Store, bus: Bus) -> FastAPI:
    """The API over an already started ``store`` and ``bus`` (the caller owns their lifecycle)."""
    app = FastAPI(
        title="earnest",
        version=__version__,
        description="How serious is each subreddit, live.",
        default_response_class=ORJSONResponse,
    )
    app.state.store = store
    app.state.bus = bus
    app.include_router(subreddits.router)
    app.include_router(status.router)
    app.add_exception_handler(EarnestError, _earnest_error)
    mount_dashboard(app)
    return app


async def _earnest_error(request: Request, exc: Exception) -> JSONResponse:
    code = 404 if isinstance(exc, NotFound) else 503 if isinstance(exc, BackendError) else 500
    return JSONResponse({"detail": str(exc)}, status_code=code)
