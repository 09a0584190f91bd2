"""Answers kept ready, rebuilt once per data version.

A data route's answer depends on the stored data, its query and, for windows that end
now, the clock (the hour of a 7-day hourly series). Recomputing it per request made
``GET /subreddits`` take 114 ms over the shared dataset. So the app keeps each answer,
built once, under its route and query, *labelled* with what it was built from:

- the store's data version (:meth:`earnest.store.base.Store.data_version`), polled by a
  background task every ``poll_every`` seconds while requests come in: a request does no
  database work while nothing changed, and another process's commit shows within
  ``poll_every`` plus one build;
- the writes this process committed (:attr:`~earnest.store.base.Store.committed_changes`):
  in ``earnest up`` the API sees the pipeline's writes at once, with no query;
- an *epoch* the route names (the current hour, day or 5 minutes).

A route's answer is also remembered under the request's URL (path and query string), so
that the next request for that URL is answered from it by
:class:`~earnest.api.conditional.ReadyAnswers` before FastAPI routes it and parses its
parameters: that parsing cost more than the rest of such a request.

An entry whose label differs from the current one is rebuilt on its next request, and
concurrent requests for it await that one build. The version is read before the build,
so an answer never carries a label newer than its data. A build that fails is not kept:
its waiters get the error, the next request builds again.

The poller runs only while requests come: it stops after ``idle_after`` seconds without
one, and the next request reads the version itself and starts it again. So the app needs
no lifespan (``earnest serve`` runs uvicorn without one, tests drive it in-process). A
poll that fails stops the poller too: the next request then meets the failure itself and
answers with it (a 503), rather than serving data that can no longer be checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson
from starlette.types import Scope

from earnest.store.base import Store

log = logging.getLogger(__name__)

T = TypeVar("T")

GZIP_MIN_BYTES = 500
"""Smaller bodies are sent as they are: gzip would save next to nothing."""


@dataclass(frozen=True)
class Snapshot:
    """An encoded 200 answer: its JSON, the JSON gzipped (``None`` if too small to bother),
    a strong ETag (a hash of the JSON, so that equal bodies share it) and its own headers
    (the model headers of data routes)."""

    body: bytes
    gzipped: bytes | None
    etag: str
    headers: dict[str, str] = field(default_factory=dict)


def snapshot(content: Any, headers: dict[str, str] | None = None) -> Snapshot:
    """``content`` encoded as :class:`~earnest.api.responses.FastJSON` encodes it."""
    body = orjson.dumps(content, option=orjson.OPT_UTC_Z)
    # mtime=0: the same body always gzips to the same bytes.
    gzipped = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN_BYTES \
        else None
    etag = hashlib.blake2b(body, digest_size=12).hexdigest()
    return Snapshot(body, gzipped, etag, headers or {})


def _url(scope: Scope) -> tuple[str, bytes]:
    return scope["path"], scope["query_string"]


@dataclass
class _Entry:
    label: Hashable
    build: asyncio.Future[Any]


class Snapshots:
    """Values built once per label, for the app's lifetime (see the module docstring);
    the ``max_entries`` least recently used are kept."""

    def __init__(self, store: Store, poll_every: float = 0.05, idle_after: float = 10.0,
                 max_entries: int = 4096) -> None:
        self._store = store
        self.poll_every = poll_every
        self.idle_after = idle_after
        self._max_entries = max_entries
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._urls: OrderedDict[tuple[str, bytes],
                                tuple[Hashable, Snapshot, Callable[[], Hashable]]] = OrderedDict()
        self._version: int | None = None
        self._poller: asyncio.Task[None] | None = None
        self._starting: asyncio.Future[int] | None = None
        self._last_request = 0.0
        self._closing = asyncio.Event()

    async def get(self, key: Hashable, epoch: Hashable, build: Callable[[], Awaitable[T]]) -> T:
        """The value of ``key`` built at the current data version and ``epoch``: kept, or
        awaited from the build under way, or built now by ``build()``."""
        return await self._get(key, await self._label(epoch), build)

    async def answer(self, scope: Scope, key: Hashable, epoch_of: Callable[[], Hashable],
                     build: Callable[[], Awaitable[Snapshot]]) -> Snapshot:
        """:meth:`get` for a route's answer, remembered under the request's URL too, so
        that the next request for that URL is answered by :meth:`ready` before any
        parameter is parsed again (the same URL parses to the same answer)."""
        label = await self._label(epoch_of())
        snap = await self._get(key, label, build)
        self._urls[_url(scope)] = (label, snap, epoch_of)
        if len(self._urls) > self._max_entries:
            self._urls.popitem(last=False)
        return snap

    async def ready(self, scope: Scope) -> Snapshot | None:
        """The answer to this request's URL, if one is kept and current."""
        found = self._urls.get(_url(scope))
        if found is None:
            return None
        label, snap, epoch_of = found
        if label != await self._label(epoch_of()):
            return None
        self._urls.move_to_end(_url(scope))
        return snap

    async def _label(self, epoch: Hashable) -> Hashable:
        return (await self._current_version(), self._store.committed_changes, epoch)

    async def _get(self, key: Hashable, label: Hashable, build: Callable[[], Awaitable[T]]) -> T:
        entry = self._entries.get(key)
        if entry is None or entry.label != label:
            entry = _Entry(label, asyncio.ensure_future(build()))
            # Read here too, or a failure whose waiters all left would be logged as lost.
            entry.build.add_done_callback(lambda done: done.cancelled() or done.exception())
            self._entries[key] = entry
            if len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        try:
            # Shielded: a client that goes away does not cancel the others' build.
            return await asyncio.shield(entry.build)
        except Exception:
            if self._entries.get(key) is entry:
                del self._entries[key]
            raise

    async def _current_version(self) -> int:
        self._last_request = time.monotonic()
        version = self._version
        if version is None or not self._polling():
            # One read and one poller, however many requests arrive at once.
            starting = self._starting
            if starting is None or starting.done() or \
                    starting.get_loop() is not asyncio.get_running_loop():
                starting = self._starting = asyncio.ensure_future(self._start())
            version = await asyncio.shield(starting)
        return version

    async def _start(self) -> int:
        version = self._version = await self._store.data_version()
        if not self._polling():
            self._poller = asyncio.get_running_loop().create_task(self._poll())
        return version

    def _polling(self) -> bool:
        poller = self._poller
        return (poller is not None and not poller.done()
                and poller.get_loop() is asyncio.get_running_loop())

    async def _poll(self) -> None:
        while time.monotonic() - self._last_request < self.idle_after:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.poll_every)
            if self._closing.is_set():
                return
            try:
                self._version = await self._store.data_version()
            except Exception as exc:  # the next request meets it, and answers with it
                log.info("stopped polling the data version: %s", exc)
                self._version = None
                return

    async def close(self) -> None:
        """Stop polling (the server stopped; the store is about to close). A poll under
        way ends first: cancelled mid-query, it could leave a connection half made."""
        self._closing.set()
        if self._poller is not None and not self._poller.done():
            await self._poller
        self._version = None
