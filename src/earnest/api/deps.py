"""Dependencies the routes declare: the store, the bus, the served model version."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from earnest.bus.base import Bus
from earnest.store.base import Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_bus(request: Request) -> Bus:
    return request.app.state.bus


async def get_model_version(request: Request) -> str | None:
    model = await request.app.state.store.active_model()
    return model.version if model else None


StoreDep = Annotated[Store, Depends(get_store)]
BusDep = Annotated[Bus, Depends(get_bus)]
ModelVersionDep = Annotated[str | None, Depends(get_model_version)]
