"""A pipeline stage and the loop that drives it.

The loop follows the bus's delivery order: fetch a batch, let the stage commit
its effects (and publish downstream), then commit the batch. Every record is
untrusted, and one record's problem is never its neighbours' or the worker's:

- A record that cannot be decoded or breaks the data contract is dead-lettered by
  the stage with the reason, and the rest of the batch goes on.
- While the store is unreachable (``BackendUnavailable``) the batch is held and
  retried: an outage is not the records' fault and costs them no attempt.
  Every retry waits out one :class:`~earnest.retry.Backoff` per stage: 0.1 s doubling
  to 10 s, back to 0.1 s once a batch is committed, cut short when the stage stops.
- Any other failure of a batch is narrowed down by handling its halves, down to
  single records. A record the backend refuses (``DataRejected``), or one that fails
  while its neighbours succeed, is dead-lettered at once: retrying cannot help.
- When every record of a batch fails alike, the cause is not in the data (a
  transient backend error, a bug): the batch is released for redelivery after a
  backoff, and a record delivered ``max_attempts`` times is dead-lettered with the
  last error seen.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from earnest.bus.base import Batch, Bus, Consumer, Subscription
from earnest.errors import BackendError, BackendUnavailable, DataRejected
from earnest.records import DeadLetter, InvalidRecord, dead_letter
from earnest.retry import Backoff, retry
from earnest.store.base import Store

log = logging.getLogger(__name__)

R = TypeVar("R")

TICK_EVERY = 1.0  # seconds between calls of Stage.tick


class Stage(ABC):
    """One consumer group: what it reads, and what it does with a batch.

    The pipeline's declaration (:mod:`earnest.pipeline.wiring`) says which group a
    stage is and which topic it reads, through ``reads``.
    """

    def __init__(self, reads: Subscription) -> None:
        self.group = reads.group
        self.topic = reads.topic

    @abstractmethod
    async def handle(self, payloads: list[bytes]) -> None:
        """Make the batch's effects durable; called before the batch is committed.

        Effects must be idempotent: a batch, or a part of it, may be handled again.
        Raising ``BackendUnavailable`` means "try again later"; ``DataRejected``
        means the backend refused the data (retrying cannot help).
        """

    async def tick(self) -> None:  # noqa: B027 - optional hook
        """Called about once a second, between batches, for work no record triggers."""

    def reject(self, payload: bytes, reason: str) -> DeadLetter:
        """A dead letter for one record of this stage's topic."""
        return dead_letter(self.group, self.topic, reason, payload)

    def decode(self, payloads: list[bytes], decoder: Callable[[bytes], R]
               ) -> tuple[list[tuple[R, bytes]], list[DeadLetter]]:
        """Each valid record with its payload, and a dead letter for each invalid one."""
        records, letters = [], []
        for payload in payloads:
            try:
                records.append((decoder(payload), payload))
            except InvalidRecord as exc:
                letters.append(self.reject(payload, str(exc)))
        return records, letters


@dataclass
class StageStats:
    """What a stage loop did: batches and records committed, retries, dead letters."""

    batches: int = 0
    records: int = 0
    retries: int = 0
    dead_letters: int = 0


class _LastErrors:
    """The last error seen per record, so a record that exhausts its attempts says why."""

    def __init__(self, size: int = 10_000) -> None:
        self._errors: OrderedDict[bytes, str] = OrderedDict()
        self._size = size

    @staticmethod
    def _key(payload: bytes) -> bytes:
        return hashlib.blake2b(payload, digest_size=16).digest()

    def note(self, payloads: list[bytes], error: str) -> None:
        for payload in payloads:
            key = self._key(payload)
            self._errors[key] = error
            self._errors.move_to_end(key)
        while len(self._errors) > self._size:
            self._errors.popitem(last=False)

    def get(self, payload: bytes) -> str | None:
        return self._errors.get(self._key(payload))


class _AllFailed(Exception):
    """Every record of a batch failed alike: the cause is not one record's content."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


async def run_stage(
    stage: Stage,
    bus: Bus,
    store: Store,
    stop: asyncio.Event,
    *,
    batch_size: int,
    max_attempts: int,
    stats: StageStats | None = None,
) -> None:
    """Consume ``stage.topic`` as ``stage.group`` until ``stop`` is set."""
    stats = stats or StageStats()
    consumer = bus.consumer(stage.topic, stage.group)
    backoff = Backoff(0.1, 10.0, stop=stop)
    errors = _LastErrors()
    ticked_at = 0.0
    try:
        while not stop.is_set():
            try:
                batch = await consumer.fetch(batch_size, timeout=0.25)
            except BackendError as exc:
                log.warning("%s: cannot read the bus, will retry: %s", stage.group, exc)
                await backoff.wait()
                continue
            if time.monotonic() - ticked_at >= TICK_EVERY:
                ticked_at = time.monotonic()
                await _tick(stage)
            if batch is None:
                continue
            try:
                payloads = await _drop_exhausted(stage, store, batch, max_attempts, errors, stats)
                if payloads:
                    await _handle_isolating(stage, store, payloads, backoff, stats)
            except (BackendError, _AllFailed) as exc:
                errors.note(batch.payloads, _describe(exc))
                stats.retries += 1
                if isinstance(exc, _AllFailed):
                    log.error("%s: every record of a batch of %d failed; will retry",
                              stage.group, len(batch), exc_info=exc.cause)
                else:
                    log.warning("%s: batch of %d failed, will retry: %s", stage.group,
                                len(batch), exc)
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


def _describe(exc: BaseException) -> str:
    cause = exc.cause if isinstance(exc, _AllFailed) else exc
    text = str(cause) or type(cause).__name__
    return text if isinstance(cause, BackendError) else f"{type(cause).__name__}: {text}"


async def _tick(stage: Stage) -> None:
    try:
        await stage.tick()
    except BackendError as exc:
        log.warning("%s: periodic work failed, will retry: %s", stage.group, exc)


async def _handle_isolating(
    stage: Stage, store: Store, payloads: list[bytes], backoff: Backoff, stats: StageStats
) -> None:
    """Handle the batch; dead-letter, alone, each record that fails while others do not."""
    failed = await _narrow(stage, payloads, backoff, stats)
    if not failed:
        return
    refused = [(p, e) for p, e in failed if isinstance(e, DataRejected)]
    if len(failed) == len(payloads) and len(refused) < len(failed):
        raise _AllFailed(failed[0][1])
    for _, exc in failed:
        if not isinstance(exc, DataRejected):
            log.error("%s: one record failed while its neighbours did not; dead-lettered",
                      stage.group, exc_info=exc)
    letters = [stage.reject(p, f"{stage.group} failed on this record: {_describe(e)}")
               for p, e in failed]
    await store.add_dead_letters(letters)
    stats.dead_letters += len(letters)


async def _narrow(stage: Stage, payloads: list[bytes], backoff: Backoff, stats: StageStats
                  ) -> list[tuple[bytes, Exception]]:
    """Handle ``payloads``; on failure, their halves, down to single records.

    Returns the records that failed alone, with their errors. ``BackendUnavailable``
    and backend errors that are not about the data go to the caller: the batch is
    retried whole.
    """
    try:
        await _handle_while_unavailable(stage, payloads, backoff, stats)
        return []
    except BackendUnavailable:
        raise
    except BackendError as exc:
        if not isinstance(exc, DataRejected):
            raise
        error: Exception = exc
    except Exception as exc:  # narrowed down to the record that causes it
        error = exc
    if len(payloads) == 1:
        return [(payloads[0], error)]
    middle = len(payloads) // 2
    return (await _narrow(stage, payloads[:middle], backoff, stats)
            + await _narrow(stage, payloads[middle:], backoff, stats))


async def _handle_while_unavailable(
    stage: Stage, payloads: list[bytes], backoff: Backoff, stats: StageStats
) -> None:
    """Handle the batch, holding on to it while the store is unreachable.

    An outage is not the records' fault, so it must not count as a failed delivery;
    if ``stop`` is set meanwhile, the last ``BackendUnavailable`` goes to the caller,
    which gives the batch back.
    """

    def holding(exc: BackendUnavailable, delay: float) -> None:
        stats.retries += 1
        log.warning("%s: store unavailable, holding the batch: %s", stage.group, exc)

    await retry(lambda: stage.handle(payloads), backoff, holding)


async def _release(consumer: Consumer, batch: Batch) -> None:
    try:
        await consumer.release(batch)
    except BackendError as exc:  # a lost connection gives the batch back by itself
        log.warning("could not release a batch: %s", exc)


async def _drop_exhausted(
    stage: Stage, store: Store, batch: Batch, max_attempts: int, errors: _LastErrors,
    stats: StageStats,
) -> list[bytes]:
    """Dead-letter records delivered too often; return the others."""
    if max(batch.attempts, default=0) <= max_attempts:
        return batch.payloads
    keep, letters = [], []
    for payload, attempts in zip(batch.payloads, batch.attempts, strict=True):
        if attempts > max_attempts:
            last = errors.get(payload) or (
                "none seen by this worker (a worker may have crashed while handling it)")
            reason = f"failed {attempts - 1} deliveries; last error: {last}"
            letters.append(stage.reject(payload, reason))
        else:
            keep.append(payload)
    await store.add_dead_letters(letters)
    stats.dead_letters += len(letters)
    return keep

