"""The composition root: builds bus, store, model and stages from the settings.

This is the only module that knows which backends exist; everything else sees
``Bus`` and ``Store``. The shape of the pipeline (stages, groups, topics) comes
from :mod:`earnest.pipeline.wiring`.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from earnest.bus.base import Bus
from earnest.config import Settings
from earnest.errors import ConfigError
from earnest.pipeline.stage import StageStats, run_stage
from earnest.pipeline.wiring import SUBSCRIPTIONS, Parts, StageSpec
from earnest.sqlite_db import SqliteDatabase, path_from_url
from earnest.store.base import ModelInfo, Store

if TYPE_CHECKING:
    from earnest.model.artifact import SeriousnessModel
    from earnest.model.in_use import ModelsInUse


def redact_url(url: str) -> str:
    """A URL without its user and password, for messages."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    if "@" in rest:
        # The last "@": a password may hold one that was not percent-encoded.
        rest = "…@" + rest.rsplit("@", 1)[1]
    return scheme + sep + rest


# --- backends ----------------------------------------------------------------------


class SqliteFiles:
    """One :class:`SqliteDatabase` per file, shared by every backend asking for it.

    A bus and a store on the same file then share its one writer thread, and an
    effect and its offset can commit together. :meth:`close` closes each database
    once; call it after the backends that use them are closed.
    """

    def __init__(self) -> None:
        self._open: dict[Path, SqliteDatabase] = {}

    def open(self, url: str) -> SqliteDatabase:
        path = path_from_url(url)
        key = path.resolve()
        if key not in self._open:
            self._open[key] = SqliteDatabase(path)
        return self._open[key]

    def close(self) -> None:
        databases, self._open = list(self._open.values()), {}
        for db in databases:
            db.close()


@contextlib.contextmanager
def _files(shared: SqliteFiles | None) -> Iterator[SqliteFiles]:
    """``shared``, whose owner closes it; else files of our own, closed on exit."""
    if shared is not None:
        yield shared
        return
    with contextlib.closing(SqliteFiles()) as files:
        yield files


def _unsupported(setting: str, url: str, other: str) -> ConfigError:
    return ConfigError(f"{setting} {redact_url(url)} is not supported: use "
                       f"sqlite:///path/to/file.db or {other}")


def _store(url: str, files: SqliteFiles) -> Store:
    if url.startswith("sqlite:"):
        from earnest.store.sqlite import SqliteStore

        return SqliteStore(files.open(url))
    if url.startswith(("postgresql:", "postgres:")):
        from earnest.store.postgres import PostgresStore

        return PostgresStore(url)
    raise _unsupported("EARNEST_DATABASE_URL", url, "postgresql://user:password@host:port/db")


def _bus(url: str, files: SqliteFiles) -> Bus:
    if url.startswith(("amqp:", "amqps:")):
        from earnest.bus.rabbitmq import RabbitBus

        return RabbitBus(url, subscriptions=SUBSCRIPTIONS)
    if not url.startswith("sqlite:"):
        raise _unsupported("EARNEST_BROKER_URL", url, "amqp://user:password@host:port/vhost")
    from earnest.bus.sqlite import SqliteBus

    return SqliteBus(files.open(url))


@contextlib.asynccontextmanager
async def make_store(url: str, files: SqliteFiles | None = None) -> AsyncIterator[Store]:
    """The store of ``url``, started, and closed on exit (a SQLite file from ``files``)."""
    with _files(files) as sqlite:
        async with _store(url, sqlite) as store:
            yield store


@contextlib.asynccontextmanager
async def make_bus(url: str, files: SqliteFiles | None = None) -> AsyncIterator[Bus]:
    """The bus of ``url``, started, and closed on exit (a SQLite file from ``files``)."""
    with _files(files) as sqlite:
        async with _bus(url, sqlite) as bus:
            yield bus


@contextlib.asynccontextmanager
async def connect(settings: Settings) -> AsyncIterator[tuple[Bus, Store]]:
    """The bus and store of ``settings``, started; on exit the bus, the store, then
    their SQLite files are closed."""
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create EARNEST_HOME {settings.home} ({exc.strerror}); point "
                          "it at a folder earnest may create and write") from exc
    with contextlib.closing(SqliteFiles()) as files:
        async with make_store(settings.resolved_database_url(), files) as store:
            async with make_bus(settings.resolved_broker_url(), files) as bus:
                yield bus, store


# --- model and stages --------------------------------------------------------------


def model_path(settings: Settings) -> Path:
    from earnest.model.artifact import default_model_path

    return settings.model_path or default_model_path()


def load_model(settings: Settings) -> SeriousnessModel:
    from earnest.model.artifact import SeriousnessModel

    return SeriousnessModel.load(model_path(settings))


async def activate(store: Store, model: SeriousnessModel, path: Path) -> None:
    """Register ``model`` (read from ``path``) with its card and artifact, as any model
    is registered, and make it live if no version is: on a new store, the configured
    model is the one the API serves. A store with a live version keeps it; another
    version becomes live only by ``earnest models promote`` (or ``rollback``)."""
    from earnest.model.registry import checked_types, earnest_card

    known = {m.version: m for m in await store.models()}
    if model.version not in known or known[model.version].card is None:
        artifact = await asyncio.to_thread(path.read_bytes)
        card = earnest_card(model, checked_types(artifact, str(path)))
        info = ModelInfo(model.version, str(path), model.metrics, time.time(),
                         card=card.to_dict())
        await store.add_model(info, artifact)
    if await store.active_model() is None:
        await store.set_live(model.version)


async def prepare_model(specs: Sequence[StageSpec], store: Store, settings: Settings
                        ) -> ModelsInUse | None:
    """The models in use, if a stage of ``specs`` needs them: the configured model is
    loaded in a thread (it takes seconds) and registered, live on a new store."""
    if not any(spec.needs_model for spec in specs):
        return None
    from earnest.model.in_use import ModelsInUse

    model = await asyncio.to_thread(load_model, settings)
    await activate(store, model, model_path(settings))
    models = ModelsInUse(store, preloaded=[model])
    await models.refresh(force=True)
    return models


def start_stages(specs: Sequence[StageSpec], parts: Parts, stop: asyncio.Event,
                 stats: StageStats | None = None) -> list[asyncio.Task[None]]:
    """Build the stages of ``specs`` and run each as a task until ``stop`` is set, with
    its companion work, if it has any.

    Every stage takes the batch size and delivery attempts of ``parts.settings``;
    ``stats``, if given, adds up what they all do.
    """
    settings = parts.settings
    tasks = [
        asyncio.create_task(run_stage(
            spec.build(spec.reads, parts), parts.bus, parts.store, stop,
            batch_size=settings.resolved_batch_size(), max_attempts=settings.max_attempts,
            stats=stats,
        ))
        for spec in specs
    ]
    tasks += [asyncio.create_task(spec.companion(parts, stop)) for spec in specs
              if spec.companion is not None]
    return tasks


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGINT and SIGTERM set ``stop``: stages finish the batch in hand and exit."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
