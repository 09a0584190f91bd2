"""What changed in the data, pushed to every subscriber: the source of ``GET /events``.

One task per API process asks the store every ``every`` seconds what changed since
it last looked (:meth:`Store.changes`: a few rows) and, if anything did, makes one
event of it, so subscribers get at most ``1 / every`` events a second however fast
the data changes, and an idle subscriber costs a queue and nothing else. The task
runs only while someone subscribes.

Events are numbered; the last ``keep`` are kept, so a client that reconnects with
``Last-Event-ID`` gets what it missed. A client too far behind (or one whose queue
overflowed) gets a ``reset``: refetch everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from earnest.errors import BackendError
from earnest.store.base import Store

log = logging.getLogger(__name__)

MANY = 200  # more changed subreddits than this: the event says "many" (null), not which


@dataclass(frozen=True)
class Event:
    id: int
    kind: str  # "change" or "reset"
    data: dict[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def frame(self) -> bytes:
        """The event as a stream sends it: encoded once, whoever receives it."""
        return (f"id: {self.id}\nevent: {self.kind}\ndata: ".encode()
                + orjson.dumps(self.data) + b"\n\n")


class ChangeFeed:
    def __init__(self, store: Store, every: float = 0.25, keep: int = 256,
                 queue_size: int = 64) -> None:
        self._store = store
        self._every = every
        self._events: deque[Event] = deque(maxlen=keep)
        self._queues: set[asyncio.Queue[Event]] = set()
        self._queue_size = queue_size
        self._task: asyncio.Task[None] | None = None
        self._next_id = int(time.time() * 1000)  # ids keep rising across restarts
        self._since: float | None = None
        self._models_at: float | None = None  # the registry's newest change seen

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    @contextlib.asynccontextmanager
    async def subscribe(self, last_id: int | None) -> AsyncIterator[asyncio.Queue[Event]]:
        """A queue of the events from now on, preceded by those after ``last_id`` (or a
        reset, if they are no longer kept)."""
        queue: asyncio.Queue[Event] = asyncio.Queue(self._queue_size)
        if last_id is not None:
            kept = self._events
            missed = [e for e in kept if e.id > last_id]
            # Nothing kept (no one was listening), or not back to last_id: start over.
            if not kept or kept[0].id > last_id + 1 or last_id > self._next_id:
                missed = [Event(self._next_id, "reset")]
            for event in missed[-self._queue_size:]:
                queue.put_nowait(event)
        self._queues.add(queue)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._watch())
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    async def _watch(self) -> None:
        while self._queues:
            try:
                await self._look()
            except BackendError as exc:  # the store is away: look again later
                log.warning("change feed: %s", exc)
            await asyncio.sleep(self._every)
        # No one listened from here on: what changes next is not recorded.
        self._events.clear()
        self._since = None

    async def _look(self) -> None:
        live = await self._store.active_model()
        version = live.version if live else None
        if self._since is None:  # the first look: changes from now on, by the store's clock
            figures = await self._store.version_figures([version] if version else [])
            self._since = figures[version].last_update_at or 0.0 if version else 0.0
            self._models_at = (await self._store.changes(version, self._since)).models_at
            return
        changes = await self._store.changes(version, self._since)
        models_changed = changes.models_at != self._models_at
        self._models_at = changes.models_at
        if not changes.subreddits and not models_changed:
            return
        if changes.aggregates_at is not None:
            self._since = max(self._since, changes.aggregates_at)
        many = len(changes.subreddits) > MANY
        self._publish("change", {
            "model_version": version,
            "subreddits": None if many else changes.subreddits,
            "models": models_changed,
            "at": time.time(),
        })

    def _publish(self, kind: str, data: dict[str, Any]) -> None:
        self._next_id += 1
        event = Event(self._next_id, kind, data)
        self._events.append(event)
        for queue in list(self._queues):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:  # a slow reader: it starts over from a reset
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(Event(event.id, "reset"))
