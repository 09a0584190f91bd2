"""``create_app``: the FastAPI application over a store and a bus."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import ORJSONResponse

from earnest import __version__
from earnest.api.change_feed import ChangeFeed
from earnest.api.conditional import ReadyAnswers
from earnest.api.docs import add_docs
from earnest.api.errors import install_error_handlers
from earnest.api.middleware import HeadAsGet, SecurityHeaders
from earnest.api.model_cache import ModelCache
from earnest.api.routes import events, models, posts, status, subreddits
from earnest.api.snapshots import Snapshots
from earnest.api.web import mount_dashboard
from earnest.bus.base import Bus
from earnest.store.base import Store


def create_app(store: Store, bus: Bus) -> FastAPI:
    """The API over an already started ``store`` and ``bus`` (the caller owns their lifecycle)."""
    app = FastAPI(
        title="earnest",
        version=__version__,
        description="How serious is each subreddit, live.",
        default_response_class=ORJSONResponse,
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.bus = bus
    app.state.models = ModelCache(store)
    app.state.models.warm_up()
    app.state.change_feed = ChangeFeed(store)
    app.state.snapshots = Snapshots(store)
    app.include_router(subreddits.router)
    app.include_router(posts.router)
    app.include_router(models.router)
    app.include_router(status.router)
    app.include_router(events.router)
    install_error_handlers(app)
    add_docs(app)
    mount_dashboard(app)
    app.add_middleware(ReadyAnswers, snapshots=app.state.snapshots)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    return app
