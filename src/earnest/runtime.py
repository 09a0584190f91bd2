"""The composition root: builds bus, store, model and stages from the settings.

This is the only module that knows which backends exist; everything else sees
``Bus`` and ``Store``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from earnest.bus.base import Bus
from earnest.config import Settings
from earnest.errors import ConfigError
from earnest.pipeline.ingest import IngestProgress, run_ingest
from earnest.pipeline.score import ScorePosts
from earnest.pipeline.stage import Stage, StageStats, run_stage
from earnest.pipeline.store_posts import StorePosts
from earnest.pipeline.store_scores import StoreScores
from earnest.sources.base import Source
from earnest.store.base import ModelInfo, Store

if TYPE_CHECKING:
    from earnest.model.artifact import SeriousnessModel

log = logging.getLogger(__name__)

STAGES = ("store-posts", "score", "store-scores")
GROUPS = {"store-posts": "posts", "score": "posts", "store-scores": "posts-scores"}


def make_bus(url: str) -> Bus:
    if url.startswith("sqlite:"):
        from earnest.bus.sqlite import SqliteBus

        return SqliteBus(url)
    if url.startswith(("amqp:", "amqps:")):
        from earnest.bus.rabbitmq import RabbitBus

        return RabbitBus(url)
    raise ConfigError(f"EARNEST_BROKER_URL {redact_url(url)} is not supported: use "
                      "sqlite:///path/to/file.db or amqp://user:password@host:port/vhost")


def make_store(url: str) -> Store:
    if url.startswith("sqlite:"):
        from earnest.store.sqlite import SqliteStore

        return SqliteStore(url)
    if url.startswith(("postgresql:", "postgres:")):
        from earnest.store.postgres import PostgresStore

        return PostgresStore(url)
    raise ConfigError(f"EARNEST_DATABASE_URL {redact_url(url)} is not supported: use "
                      "sqlite:///path/to/file.db or postgresql://user:password@host:port/db")


def redact_url(url: str) -> str:
    """A URL without its user and password, for messages."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    if "@" in rest:
        # The last "@": a password may hold one that was not percent-encoded.
        rest = "…@" + rest.rsplit("@", 1)[1]
    return scheme + sep + rest


def model_path(settings: Settings) -> Path:
    from earnest.model.artifact import default_model_path

    return settings.model_path or default_model_path()


def load_model(settings: Settings) -> SeriousnessModel:
    from earnest.model.artifact import SeriousnessModel

    return SeriousnessModel.load(model_path(settings))


@contextlib.asynccontextmanager
async def connect(settings: Settings) -> AsyncIterator[tuple[Bus, Store]]:
    """The bus and store of ``settings``, started, and closed on exit."""
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create EARNEST_HOME {settings.home} ({exc.strerror}); point "
                          "it at a folder earnest may create and write") from exc
    async with make_store(settings.resolved_database_url()) as store:
        async with make_bus(settings.resolved_broker_url()) as bus:
            yield bus, store


async def activate(store: Store, model: SeriousnessModel, path: Path) -> None:
    """Record ``model`` in the registry as the version the API serves."""
    info = ModelInfo(model.version, str(path), model.metrics, time.time())
    await store.register_model(info, activate=True)


def build_stage(name: str, bus: Bus, store: Store, model: SeriousnessModel | None,
                settings: Settings) -> Stage:
    if name == "store-posts":
        return StorePosts(store)
    if name == "score":
        if model is None:
            raise ConfigError("the score stage needs a model")
        return ScorePosts(bus, store, model)
    if name == "store-scores":
        return StoreScores(store, wait_for_post=settings.post_wait)
    raise ConfigError(f"unknown stage {name!r}; choose one of {', '.join(STAGES)}")


def batch_size(settings: Settings) -> int:
    if settings.batch_size is not None:
        return settings.batch_size
    return 5000 if settings.resolved_broker_url().startswith("sqlite:") else 1000


def stage_task(
    stage: Stage, bus: Bus, store: Store, settings: Settings, stop: asyncio.Event,
    stats: StageStats | None = None,
) -> Coroutine[Any, Any, None]:
    return run_stage(stage, bus, store, stop, batch_size=batch_size(settings),
                     max_attempts=settings.max_attempts, stats=stats)


def ingest_task(
    source: Source, bus: Bus, store: Store, settings: Settings, stop: asyncio.Event,
    speed: float | None, on_batch: Callable[[IngestProgress], None] | None = None,
) -> Coroutine[Any, Any, IngestProgress]:
    return run_ingest(source, bus, store, stop, batch_size=batch_size(settings), speed=speed,
                      on_batch=on_batch)


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGINT and SIGTERM set ``stop``: stages finish the batch in hand and exit."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
