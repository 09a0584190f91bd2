"""The versions a score worker scores with, kept in step with the registry.

Every worker reads the registry about once a second and scores each new post with
every version in a scoring state (live, promoting, shadow): a promotion, a shadow
or a retirement reaches every replica, in both runtimes, without a restart. A
version new to the worker is loaded in the background from the artifact the
registry holds, so its batches do not wait the seconds that takes; only the live
version is waited for, since a post must never go unscored by it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from earnest.errors import BackendUnavailable, ModelError
from earnest.store.base import LIVE, SCORING, ModelInfo, Store

if TYPE_CHECKING:
    from earnest.model.scorer import Scorer

log = logging.getLogger(__name__)

RETRY_FAILED_AFTER = 60.0  # seconds before a version that failed to load is tried again


class ModelsInUse:
    """The loaded scorers of the versions in a scoring state; ``preloaded`` scorers
    (the configured model, loaded at start-up) are used as they are."""

    def __init__(self, store: Store, preloaded: Sequence[Scorer] = (),
                 refresh_every: float = 1.0) -> None:
        self._store = store
        self._refresh_every = refresh_every
        self._loaded: dict[str, Scorer] = {m.version: m for m in preloaded}
        self._loading: dict[str, asyncio.Task[None]] = {}
        self._failed_at: dict[str, float] = {}
        self._wanted: list[ModelInfo] = []
        self._refreshed_at = float("-inf")

    @property
    def live(self) -> str | None:
        return next((m.version for m in self._wanted if m.state == LIVE), None)

    async def refresh(self, force: bool = False) -> None:
        """Read the registry (at most once per ``refresh_every`` unless ``force``) and
        start loading every scoring version not loaded yet."""
        if not force and time.monotonic() - self._refreshed_at < self._refresh_every:
            return
        models = await self._store.models()
        self._refreshed_at = time.monotonic()
        wanted = [m for m in models if m.state in SCORING]
        before = {m.version: m.state for m in self._wanted}
        if before != {m.version: m.state for m in wanted}:
            log.info("scoring with %s", ", ".join(f"{m.version} ({m.state})" for m in wanted)
                     or "no model")
        self._wanted = wanted
        for info in wanted:
            self._start_loading(info)
        for version in [v for v in self._loaded if v not in {m.version for m in wanted}]:
            del self._loaded[version]  # retired: its memory back

    def _start_loading(self, info: ModelInfo) -> None:
        version = info.version
        if version in self._loaded or version in self._loading:
            return
        if time.monotonic() - self._failed_at.get(version, float("-inf")) < RETRY_FAILED_AFTER:
            return
        self._loading[version] = asyncio.create_task(self._load(info))

    async def _load(self, info: ModelInfo) -> None:
        from earnest.model.scorer import load_registered  # skops: seconds to import

        try:
            artifact = await self._store.model_artifact(info.version)
            self._loaded[info.version] = await asyncio.to_thread(load_registered, info, artifact)
            self._failed_at.pop(info.version, None)
        except Exception as exc:  # any load failure: this version waits, the others go on
            self._failed_at[info.version] = time.monotonic()
            log.error("model %s (%s) cannot be loaded, will retry in %.0f s: %s", info.version,
                      info.state, RETRY_FAILED_AFTER, exc)
        finally:
            del self._loading[info.version]

    async def scorers(self) -> list[Scorer]:
        """The scorers of every scoring version loaded, the live one first; waits for the
        live one. Raises ``BackendUnavailable`` while no version is live or loadable:
        the posts wait rather than go unscored."""
        await self.refresh()
        live = self.live
        if live is None:
            raise BackendUnavailable("no model is live in the registry; the posts wait until "
                                     "one is (earnest models promote VERSION)")
        if live not in self._loaded:
            self._failed_at.pop(live, None)  # the live model is tried on every batch
            self._start_loading(next(m for m in self._wanted if m.version == live))
            await asyncio.shield(self._loading[live])
            if live not in self._loaded:
                raise BackendUnavailable(f"the live model {live} cannot be loaded; see the "
                                         "log, and register it again or roll back")
        rest = [self._loaded[m.version] for m in self._wanted
                if m.version != live and m.version in self._loaded]
        return [self._loaded[live], *rest]

    async def get(self, version: str) -> Scorer:
        """The scorer of ``version``, loading it if it is in a scoring state."""
        await self.refresh()
        info = next((m for m in self._wanted if m.version == version), None)
        if info is None:
            raise ModelError(f"model {version} is not in a scoring state")
        self._start_loading(info)
        if version in self._loading:
            await asyncio.shield(self._loading[version])
        if version not in self._loaded:
            raise ModelError(f"model {version} cannot be loaded; see the log")
        return self._loaded[version]

    async def close(self) -> None:
        for task in list(self._loading.values()):
            task.cancel()
