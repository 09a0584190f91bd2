"""Models of the API process, by version: loaded when first asked for (in a thread: it
takes a second), then kept. A version is loaded from the artifact the registry holds
(so any machine can load it), or, for one recorded without it, from its file."""

from __future__ import annotations

import asyncio
import importlib
import threading

from earnest.store.base import ModelInfo, Store


class ModelCache:
    """The models loaded so far. A file that cannot be loaded is tried again next time
    (it may be put back); one that holds another version than registered is refused."""

    def __init__(self, store: Store | None = None) -> None:
        self._store = store
        self._models: dict[str, object] = {}
        self._lock = asyncio.Lock()

    @staticmethod
    def warm_up() -> None:
        """Import the model code in a thread now: scikit-learn and skops take seconds to
        import (over ten on a busy machine), and the first explanation asked for should
        not wait for that."""
        threading.Thread(target=importlib.import_module, args=("earnest.model.scorer",),
                         name="model-import", daemon=True).start()

    async def get(self, info: ModelInfo) -> object:
        """The model of ``info``; raises ``ModelError`` saying why it cannot be loaded."""
        if info.version in self._models:
            return self._models[info.version]
        async with self._lock:  # one load at a time: a model takes memory
            if info.version not in self._models:
                artifact = None
                if self._store is not None and info.card is not None:
                    artifact = await self._store.model_artifact(info.version)
                from earnest.model.scorer import load_registered  # skops: seconds to import

                self._models[info.version] = await asyncio.to_thread(
                    load_registered, info, artifact)
        return self._models[info.version]

