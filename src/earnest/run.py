"""The long-running commands: ``up``, ``serve``, ``worker``, ``replay`` and ``follow``.

Each builds its parts through :mod:`earnest.runtime`, runs them as tasks, and on
SIGINT or SIGTERM lets every stage finish the batch in hand before exiting. Stages
start one way for every command (and for :func:`earnest.testing.run_until_idle`):
connect, load the model if a stage needs it, then
:func:`~earnest.runtime.start_stages`.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import errno
import logging
import os
import socket
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from earnest.api.app import create_app
from earnest.bus.base import Bus
from earnest.config import Settings
from earnest.errors import ConfigError
from earnest.pipeline.ingest import IngestProgress, run_ingest
from earnest.pipeline.stage import StageStats
from earnest.pipeline.wiring import PIPELINE, SOURCE_TOPIC, Parts, StageSpec, stage_spec
from earnest.runtime import connect, prepare_model, start_stages, stop_on_signals
from earnest.sources.dump import DumpSource
from earnest.sources.reddit_api.auth import credentials
from earnest.sources.reddit_api.client import Endpoints
from earnest.sources.reddit_api.source import LiveSource
from earnest.sources.replay import Archive, ReplaySource
from earnest.sources.timeline import Timeline
from earnest.store.base import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReplayOptions:
    """How to replay an archive: a dataset folder, or another such as the bundled sample."""

    dataset: Path | Archive
    speed: float | None = None
    timeline: Timeline = Timeline.original
    span_days: float = 7.0
    limit: int | None = None
    from_start: bool = False

    def source(self) -> ReplaySource:
        return ReplaySource(self.dataset, timeline=self.timeline, span=self.span_days * 86400,
                            anchor=time.time(), limit=self.limit, ordered=self.speed is not None)

    @property
    def label(self) -> str:
        """What log lines call the replayed archive."""
        return self.dataset.label if isinstance(self.dataset, Archive) else str(self.dataset)


class _Server(uvicorn.Server):
    """uvicorn, minus its own signal handling: the command's stop event rules."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _listen(host: str, port: int) -> socket.socket:
    """The API's socket, bound before anything connects, so that a taken port fails at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family)
    except OSError as exc:
        # os.strerror: create_server's own message repeats the address.
        reason = os.strerror(exc.errno) if exc.errno and exc.errno > 0 else exc.strerror
        hint = ("choose another port with --port or EARNEST_PORT" if exc.errno == errno.EADDRINUSE
                else "check EARNEST_HOST and --port or EARNEST_PORT")
        raise ConfigError(f"cannot listen on {host}:{port} ({reason}); {hint}") from exc
    # Answers go out without waiting for the client's delayed ACK (40 ms a request with
    # keep-alive): asyncio sets this on sockets it accepts only if their protocol is
    # named, which create_server's are not; accepted sockets inherit it from here.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


SHUTDOWN_GRACE = 2  # seconds a stopping API gives requests in flight


async def _serve_until(app: Any, sock: socket.socket, stop: asyncio.Event) -> None:
    # Open event streams never end by themselves: they are cut after the grace period.
    server = _Server(uvicorn.Config(app, log_level="warning", lifespan="off",
                                    timeout_graceful_shutdown=SHUTDOWN_GRACE))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    await asyncio.wait([serving, asyncio.create_task(stop.wait())],
                       return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    await serving
    await app.state.snapshots.close()


async def _supervise(tasks: list[asyncio.Task], stop: asyncio.Event) -> None:
    """Wait for ``stop``; if a task fails first, stop the others and re-raise."""
    stopper = asyncio.create_task(stop.wait())
    pending = set(tasks)
    try:
        while pending and not stop.is_set():
            done, pending = await asyncio.wait(pending | {stopper},
                                               return_when=asyncio.FIRST_COMPLETED)
            pending.discard(stopper)
            for task in done - {stopper}:
                if task.exception() is not None:
                    stop.set()
                    await asyncio.gather(*pending, return_exceptions=True)
                    raise task.exception()  # type: ignore[misc]
    finally:
        stop.set()
        stopper.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


async def start_replay(
    options: ReplayOptions, bus: Bus, store: Store, settings: Settings, stop: asyncio.Event,
    on_batch: Callable[[IngestProgress], None] | None = None,
) -> Coroutine[Any, Any, IngestProgress]:
    source = options.source()
    if options.from_start:
        await store.put_checkpoint(source.checkpoint_name, {"position": 0})
    return run_ingest(source, bus, store, stop, topic=SOURCE_TOPIC,
                      batch_size=settings.resolved_batch_size(), speed=options.speed,
                      on_batch=on_batch)


async def live_source(names: Sequence[str], store: Store, settings: Settings) -> LiveSource:
    """The source following ``names``, or every subreddit stored when there are none."""
    login = credentials(settings)  # before anything else: missing credentials fail at once
    if not names:
        model = await store.active_model()
        names = [s.name for s in await store.subreddits(model.version)] if model else []
    if not names:
        raise ConfigError("no subreddit to follow: name some (earnest follow AskScience "
                          "science) or store some first (earnest import, earnest replay)")
    return LiveSource(names, login, Endpoints(settings.reddit_api_url, settings.reddit_auth_url))


async def start_follow(
    names: Sequence[str], bus: Bus, store: Store, settings: Settings, stop: asyncio.Event,
    on_batch: Callable[[IngestProgress], None] | None = None,
) -> tuple[LiveSource, Coroutine[Any, Any, IngestProgress]]:
    source = await live_source(names, store, settings)
    return source, run_ingest(source, bus, store, stop, topic=SOURCE_TOPIC,
                              batch_size=settings.resolved_batch_size(), on_batch=on_batch)


async def follow(settings: Settings, names: Sequence[str],
                 on_batch: Callable[[IngestProgress], None],
                 report: Callable[[str], None]) -> IngestProgress:
    """Publish the new posts of ``names`` (every stored subreddit if none) until stopped."""
    stop = asyncio.Event()
    stop_on_signals(stop)
    async with connect(settings) as (bus, store):
        source, job = await start_follow(names, bus, store, settings, stop, on_batch)
        report(f"following {_names(source)} on {settings.reddit_api_url}")
        return await job


def _names(source: LiveSource) -> str:
    names = [f"r/{f.name}" for f in source.followed.values()]
    return ", ".join(names) if len(names) <= 8 else f"{', '.join(names[:8])} and " \
        f"{len(names) - 8} more"


async def up(settings: Settings, port: int, replay: ReplayOptions | None,
             report: Callable[[str], None], follow: Sequence[str] = ()) -> None:
    """Every stage, the API and a replay or the live subreddits of ``follow``, in this
    process."""
    stop = asyncio.Event()
    stop_on_signals(stop)
    with _listen(settings.host, port) as sock:
        async with connect(settings) as (bus, store):
            # The API answers while the model loads (importing skops takes seconds).
            api = asyncio.create_task(_serve_until(create_app(store, bus), sock, stop))
            loading = asyncio.create_task(prepare_model(PIPELINE, store, settings))
            await asyncio.wait([loading, api], return_when=asyncio.FIRST_COMPLETED)
            if not loading.done():  # the server stopped first: a signal, or it failed
                loading.cancel()
                await _supervise([api], stop)
                return
            models = loading.result()
            tasks: list[asyncio.Task[Any]] = [
                api, *start_stages(PIPELINE, Parts(bus, store, settings, models), stop)]
            report(f"API on http://{settings.host}:{port}/ (docs at /docs)"
                   + (f", model {models.live}" if models else ""))
            if follow:
                source, live = await start_follow(follow, bus, store, settings, stop)
                report(f"following {_names(source)} on {settings.reddit_api_url}")
                tasks.append(asyncio.create_task(live))
            elif replay is not None:
                job = await start_replay(replay, bus, store, settings, stop)
                tasks.append(asyncio.create_task(_report_replay(job, replay, report)))
            await _supervise(tasks, stop)


async def _report_replay(job: Coroutine[Any, Any, IngestProgress], options: ReplayOptions,
                         report: Callable[[str], None]) -> None:
    report(f"replaying {options.label} ({options.timeline.value} timeline, "
           f"{'speed ' + str(options.speed) if options.speed else 'as fast as possible'})")
    progress = await job
    state = "done" if progress.finished else f"stopped at record {progress.position:,}"
    report(f"replay {state}: {progress.published:,} posts published, {progress.rejected:,} "
           f"rejected since record {progress.resumed_from:,}")


async def serve(settings: Settings, port: int, report: Callable[[str], None]) -> None:
    stop = asyncio.Event()
    stop_on_signals(stop)
    with _listen(settings.host, port) as sock:
        async with connect(settings) as (bus, store):
            report(f"API on http://{settings.host}:{port}/ (docs at /docs)")
            await _serve_until(create_app(store, bus), sock, stop)


async def worker(settings: Settings, name: str, until_idle: bool,
                 report: Callable[[str], None]) -> StageStats:
    """One stage; with ``until_idle``, exit once its topic has nothing left for it."""
    spec = stage_spec(name)
    stop = asyncio.Event()
    stop_on_signals(stop)
    stats = StageStats()
    await run_stages(settings, [spec], stop, until=Until.caught_up if until_idle else None,
                     stats=stats, on_started=lambda: report(f"worker {name} started"))
    return stats


class Until(enum.Enum):
    """When a run of stages ends by itself (``stop``, a signal, ends it at any time)."""

    caught_up = "caught up"  # no group of the run has records left to read
    settled = "settled"  # caught up, and no score waits in the store for its post


async def run_stages(
    settings: Settings, specs: Sequence[StageSpec], stop: asyncio.Event, *,
    until: Until | None = None, stats: StageStats | None = None,
    on_started: Callable[[], None] | None = None,
) -> None:
    """Run the stages of ``specs`` in this process until ``stop`` is set, or ``until``.

    If a stage fails, the others are stopped and its exception is raised.
    """
    async with connect(settings) as (bus, store):
        # Loaded once connected: loading takes seconds, a wrong URL should not wait for it.
        models = await prepare_model(specs, store, settings)
        tasks = start_stages(specs, Parts(bus, store, settings, models), stop, stats)
        if on_started is not None:
            on_started()
        if until is not None:
            tasks.append(asyncio.create_task(_stop_when_idle(bus, store, specs, until, stop)))
        await _supervise(tasks, stop)


async def _stop_when_idle(bus: Bus, store: Store, specs: Sequence[StageSpec], until: Until,
                          stop: asyncio.Event, every: float = 0.2) -> None:
    """Set ``stop`` once ``until`` holds at two looks in a row, ``every`` seconds apart."""
    idle_looks = 0
    while idle_looks < 2 and not stop.is_set():
        await asyncio.sleep(every)
        idle = all([await bus.lag(s.reads.topic, s.reads.group) == 0 for s in specs])
        if idle and until is Until.settled:
            idle = (await store.counts()).waiting_scores == 0
        idle_looks = idle_looks + 1 if idle else 0
    stop.set()


async def replay(settings: Settings, options: ReplayOptions,
                 on_batch: Callable[[IngestProgress], None]) -> IngestProgress:
    stop = asyncio.Event()
    stop_on_signals(stop)
    async with connect(settings) as (bus, store):
        job = await start_replay(options, bus, store, settings, stop, on_batch)
        return await job


async def import_posts(settings: Settings, source: DumpSource, from_start: bool,
                       on_batch: Callable[[IngestProgress], None]) -> IngestProgress:
    """Publish what ``source`` holds onto the posts topic, resuming where the last import of
    the same files and filters stopped (from the first record with ``from_start``); once
    the files are read to the end, the live source's gaps they cover are filled."""
    stop = asyncio.Event()
    stop_on_signals(stop)
    async with connect(settings) as (bus, store):
        if from_start:
            await store.put_checkpoint(source.checkpoint_name, {"position": 0})
        progress = await run_ingest(source, bus, store, stop, topic=SOURCE_TOPIC,
                                    batch_size=settings.resolved_batch_size(), speed=None,
                                    on_batch=on_batch)
        covered = source.covered() if progress.finished else None
        if covered is not None:
            progress.gaps_filled = await store.fill_gaps(source.subreddits, *covered)
        return progress
