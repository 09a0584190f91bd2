"""Models of the API process, by version: loaded from their registered file when first
asked for (in a thread: it takes a second), then kept."""

from __future__ import annotations

import asyncio

from earnest.errors import ModelError
from earnest.store.base import ModelInfo


class ModelCache:
    """The models loaded so far. A file that cannot be loaded is tried again next time
    (it may be put back); one that holds another version than registered is refused."""

    def __init__(self) -> None:
        self._models: dict[str, object] = {}
        self._lock = asyncio.Lock()

    async def get(self, info: ModelInfo) -> object:
        """The model of ``info``; raises ``ModelError`` saying why it cannot be loaded."""
        if info.version in self._models:
            return self._models[info.version]
        async with self._lock:  # one load at a time: a model takes memory
            if info.version not in self._models:
                self._models[info.version] = await asyncio.to_thread(_load, info)
        return self._models[info.version]


def _load(info: ModelInfo) -> object:
    from earnest.model.artifact import SeriousnessModel

    model = SeriousnessModel.load(info.path)
    if model.version != info.version:
        raise ModelError(f"the file registered for model {info.version} ({info.path}) now "
                         f"holds model {model.version}")
    return model
