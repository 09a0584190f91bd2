"""A pipeline stage and the loop that drives it.

The loop follows the bus's delivery order: fetch a batch, let the stage commit
its effects (and publish downstream), then commit the batch. Records that fail
validation are dead-lettered by the stage and the batch goes on. A batch that
fails for an operational reason (``BackendError``) is released for redelivery
after a backoff, except that while the store is unreachable (``BackendUnavailable``)
the batch is held and retried, so an outage does not count against its records.
A record delivered ``max_attempts`` times without success is dead-lettered with
the reason. Any other exception is a bug and stops the stage.
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

from earnest.bus.base import Batch, Bus, Consumer
from earnest.errors import BackendError, BackendUnavailable
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
    backoff = Backoff(stop)
    last_error = ""
    try:
        while not stop.is_set():
            try:
                batch = await consumer.fetch(batch_size, timeout=0.25)
            except BackendError as exc:
                log.warning("%s: cannot read the bus, will retry: %s", stage.group, exc)
                await backoff.wait()
                continue
            if batch is None:
                continue
            try:
                payloads = await _drop_exhausted(stage, store, batch, max_attempts, last_error)
                if payloads:
                    await _handle_while_unavailable(stage, payloads, backoff, stats)
            except BackendError as exc:
                last_error = str(exc)
                stats.retries += 1
                log.warning("%s: batch of %d failed, will retry: %s", stage.group, len(batch), exc)
                await _release(consumer, batch)
                await backoff.wait()
                continue
            try:
                await consumer.commit(batch)
            except BackendError as exc:
                # The effects are durable; the bus will deliver the batch again, harmlessly.
                log.warning("%s: commit failed, the batch will be redelivered: %s",
                            stage.group, exc)
                await backoff.wait()
                continue
            backoff.reset()
            stats.batches += 1
            stats.records += len(batch)
    finally:
        await consumer.close()


class Backoff:
    """Exponential waits from 0.1 s to 10 s, cut short when ``stop`` is set."""

    def __init__(self, stop: asyncio.Event) -> None:
        self.stop = stop
        self.delay = 0.1

    async def wait(self) -> None:
        await _sleep_or_stop(self.stop, self.delay)
        self.delay = min(self.delay * 2, 10.0)

    def reset(self) -> None:
        self.delay = 0.1


async def _handle_while_unavailable(
    stage: Stage, payloads: list[bytes], backoff: Backoff, stats: StageStats
) -> None:
    """Handle the batch, holding on to it while the store is unreachable.

    An outage is not the records' fault, so it must not count as a failed delivery;
    if ``stop`` is set meanwhile, the last ``BackendUnavailable`` goes to the caller,
    which gives the batch back.
    """
    while True:
        try:
            await stage.handle(payloads)
            return
        except BackendUnavailable as exc:
            if backoff.stop.is_set():
                raise
            stats.retries += 1
            log.warning("%s: store unavailable, holding the batch: %s", stage.group, exc)
            await backoff.wait()


async def _release(consumer: Consumer, batch: Batch) -> None:
    try:
        await consumer.release(batch)
    except BackendError as exc:  # a lost connection gives the batch back by itself
        log.warning("could not release a batch: %s", exc)


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
