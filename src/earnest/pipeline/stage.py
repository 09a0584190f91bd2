"""A pipeline stage and the loop that drives it.

The loop follows the bus's delivery order: fetch a batch, let the stage commit
its effects (and publish downstream), then commit the batch. Records that fail
validation are dead-lettered by the stage and the batch goes on. A batch that
fails for an operational reason (``BackendError``) is released for redelivery
after a backoff; a record delivered ``max_attempts`` times without success is
dead-lettered with the reason. Any other exception is a bug and stops the stage.
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

from earnest.bus.base import Batch, Bus
from earnest.errors import BackendError
from earnest.records import DeadLetter
from earnest.store.base import Store

log = logging.getLogger(__name__)


class Stage(ABC):
    """One consumer group: what it reads, and what it does with a batch."""

    group: str
    topic: str

    @abstractmethod
    async def handle(self, payloads: list[bytes]) -> None:
        """Make the batch's effects durable; called before the batch is committed.

        Raising ``BackendError`` means "try again later"; nothing may be half-done.
        """


def dead_letter(stage: str, reason: str, payload: bytes) -> DeadLetter:
    return DeadLetter(
        stage=stage,
        reason=reason,
        raw=payload.decode("utf-8", "backslashreplace"),
        at=time.time(),
    )


@dataclass
class StageStats:
    batches: int = 0
    records: int = 0
    retries: int = 0


async def run_stage(
    stage: Stage,
    bus: Bus,
    store: Store,
    stop: asyncio.Event,
    *,
    batch_size: int = 1000,
    max_attempts: int = 5,
    stats: StageStats | None = None,
) -> None:
    """Consume ``stage.topic`` as ``stage.group`` until ``stop`` is set."""
    stats = stats or StageStats()
    consumer = bus.consumer(stage.topic, stage.group)
    backoff = 0.1
    last_error = ""
    try:
        while not stop.is_set():
            batch = await consumer.fetch(batch_size, timeout=0.25)
            if batch is None:
                continue
            try:
                payloads = await _drop_exhausted(stage, store, batch, max_attempts, last_error)
                if payloads:
                    await stage.handle(payloads)
            except BackendError as exc:
                last_error = str(exc)
                stats.retries += 1
                log.warning("%s: batch of %d failed, will retry: %s", stage.group, len(batch), exc)
                await consumer.release(batch)
                await _sleep_or_stop(stop, backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            await consumer.commit(batch)
            backoff = 0.1
            stats.batches += 1
            stats.records += len(batch)
    finally:
        await consumer.close()


async def _drop_exhausted(
    stage: Stage, store: Store, batch: Batch, max_attempts: int, last_error: str
) -> list[bytes]:
    """Dead-letter records delivered too often; return the others."""
    if max(batch.attempts, default=0) <= max_attempts:
        return batch.payloads
    keep, letters = [], []
    for payload, attempts in zip(batch.payloads, batch.attempts, strict=True):
        if attempts > max_attempts:
            reason = f"failed {attempts - 1} deliveries; last error: {last_error or 'unknown'}"
            letters.append(dead_letter(stage.group, reason, payload))
        else:
            keep.append(payload)
    await store.add_dead_letters(letters)
    return keep


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass
