"""Dependencies the routes declare: the store, the bus, the model version shown (``?model=``,
by default the live one) with its freshness, and the refusal of query parameters a route
does not declare."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.dependencies.utils import get_flat_dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from earnest.api.model_cache import ModelCache
from earnest.api.snapshots import Snapshots
from earnest.api.timeutil import at, utc
from earnest.bus.base import Bus
from earnest.errors import NotFound
from earnest.store.base import ModelInfo, Store, VersionFigures


# The getters are coroutines: FastAPI runs a plain function in a thread, a hop per request.
async def get_store(request: Request) -> Store:
    return request.app.state.store


async def get_bus(request: Request) -> Bus:
    return request.app.state.bus


async def get_models(request: Request) -> ModelCache:
    return request.app.state.models


MODEL_HEADERS = {
    "X-Earnest-Model": "The model version shown.",
    "X-Earnest-Newest-Post": "Creation time of the newest post the version's aggregates "
                             "count (ISO 8601, UTC).",
    "X-Earnest-Fresh-At": "When the version's aggregates last changed (ISO 8601, UTC).",
}
"""Headers of every data route's 200, left out while no model is registered (or, for the
two times, while the version counts nothing)."""


@dataclass(frozen=True)
class Shown:
    """The model version a data route shows (``None`` while none is registered), and its
    figures."""

    info: ModelInfo | None
    figures: VersionFigures | None

    @property
    def version(self) -> str | None:
        return self.info.version if self.info else None

    def freshness(self) -> dict[str, Any]:
        """The body's ``freshness``."""
        figures = self.figures
        return {"newest_post_utc": utc(figures.newest_post_utc) if figures else None,
                "last_update_utc": utc(figures.last_update_at) if figures else None}

    def headers(self) -> dict[str, str]:
        """``MODEL_HEADERS`` for this version."""
        if self.info is None:
            return {}
        headers = {"X-Earnest-Model": self.info.version}
        if self.figures is not None:
            for name, seconds in (("X-Earnest-Newest-Post", self.figures.newest_post_utc),
                                  ("X-Earnest-Fresh-At", self.figures.last_update_at)):
                if seconds is not None:
                    headers[name] = at(seconds).isoformat().replace("+00:00", "Z")
        return headers


ModelParam = Annotated[str | None, Query(
    min_length=1, max_length=200,
    description="A model version (GET /models lists them); the live one by default.")]
"""``?model=`` of the data routes."""


async def shown(store: Store, model: str | None) -> Shown:
    """The version asked for, or the live one; a version not registered is a 404."""
    if model is None:
        info = await store.active_model()
    else:
        info = next((m for m in await store.models() if m.version == model), None)
        if info is None:
            raise NotFound(f"model version {model!r} is not known; GET /models lists the "
                           "versions")
    if info is None:
        return Shown(None, None)
    figures = await store.version_figures([info.version])
    return Shown(info, figures[info.version])


async def get_shown(request: Request, model: ModelParam = None) -> Shown:
    return await shown(request.app.state.store, model)


async def get_snapshots(request: Request) -> Snapshots:
    return request.app.state.snapshots


async def no_unknown_query_parameters(request: Request) -> None:
    """A 422 for query parameters the route does not declare, in FastAPI's standard shape:
    a misspelt ``?limt=10`` is an error, not a request silently served with the default."""
    if not request.query_params:
        return
    unknown = [name for name in request.query_params
               if name not in _declared(request.scope.get("route"))]
    if unknown:
        raise RequestValidationError([
            {"type": "extra_forbidden", "loc": ("query", name),
             "msg": "Extra inputs are not permitted", "input": request.query_params[name]}
            for name in unknown
        ])


def _declared(route: object) -> frozenset[str]:
    """The query parameters ``route`` declares, found once per route (kept on it)."""
    if not isinstance(route, APIRoute):
        return frozenset()
    names = getattr(route, "_earnest_query_names", None)
    if names is None:
        names = frozenset(param.alias
                          for param in get_flat_dependant(route.dependant).query_params)
        route._earnest_query_names = names  # type: ignore[attr-defined]
    return names


StoreDep = Annotated[Store, Depends(get_store)]
BusDep = Annotated[Bus, Depends(get_bus)]
ShownDep = Annotated[Shown, Depends(get_shown)]
ModelsDep = Annotated[ModelCache, Depends(get_models)]
SnapshotsDep = Annotated[Snapshots, Depends(get_snapshots)]
