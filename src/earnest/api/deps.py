"""Dependencies the routes declare: the store, the bus, the served model version, and the
refusal of query parameters a route does not declare."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.dependencies.utils import get_flat_dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from earnest.bus.base import Bus
from earnest.store.base import Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_bus(request: Request) -> Bus:
    return request.app.state.bus


async def get_model_version(request: Request) -> str | None:
    model = await request.app.state.store.active_model()
    return model.version if model else None


def no_unknown_query_parameters(request: Request) -> None:
    """A 422 for query parameters the route does not declare, in FastAPI's standard shape:
    a misspelt ``?limt=10`` is an error, not a request silently served with the default."""
    route = request.scope.get("route")
    declared = (
        {param.alias for param in get_flat_dependant(route.dependant).query_params}
        if isinstance(route, APIRoute) else set()
    )
    unknown = [name for name in request.query_params if name not in declared]
    if unknown:
        raise RequestValidationError([
            {"type": "extra_forbidden", "loc": ("query", name),
             "msg": "Extra inputs are not permitted", "input": request.query_params[name]}
            for name in unknown
        ])


StoreDep = Annotated[Store, Depends(get_store)]
BusDep = Annotated[Bus, Depends(get_bus)]
ModelVersionDep = Annotated[str | None, Depends(get_model_version)]
