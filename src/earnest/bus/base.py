"""The message bus interface: topics, consumer groups, at-least-once delivery.

A producer calls :meth:`Bus.publish`; when it returns, the records are durable
(a committed transaction in the embedded log, publisher confirms in RabbitMQ).
A consumer belongs to a group; each group sees every record of its topic once,
shared between the group's replicas. The delivery order every stage follows:

1. ``fetch`` a batch;
2. commit the batch's effects to the store (and ``publish`` downstream records);
3. ``commit`` the batch, which advances the group's position.

A crash between 2 and 3 redelivers the batch; effects are idempotent, so that
is harmless. A batch that is never committed is redelivered after ``release``
or when the consumer's connection ends.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Subscription(NamedTuple):
    """Consumer group ``group`` reads topic ``topic``: each record of it, once."""

    group: str
    topic: str


@dataclass
class Batch:
    """Records fetched together; ``attempts[i]`` counts deliveries of ``payloads[i]``."""

    payloads: list[bytes]
    attempts: list[int]
    handle: Any = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.payloads)


class Consumer(ABC):
    """One replica of a consumer group on one topic."""

    @abstractmethod
    async def fetch(self, max_records: int, timeout: float) -> Batch | None:
        """Wait up to ``timeout`` seconds for records; ``None`` when there are none.

        Raises ``BackendError`` if the bus cannot be read; the caller retries.
        """

    @abstractmethod
    async def commit(self, batch: Batch) -> None:
        """Mark ``batch`` done. Called only after its effects are durable.

        If it fails, the batch will be delivered again: effects must be idempotent.
        """

    @abstractmethod
    async def release(self, batch: Batch) -> None:
        """Give ``batch`` back uncommitted, for redelivery (shutdown, transient failure)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Stop consuming; uncommitted batches are redelivered later."""


class Bus(ABC):
    """A set of topics. Use as ``async with bus:``."""

    @abstractmethod
    async def start(self) -> None:
        """Connect and declare topics; raises ``BackendUnavailable`` if unreachable."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def publish(self, topic: str, payloads: Sequence[bytes]) -> None:
        """Append ``payloads`` to ``topic``; returns once they are durable."""

    @abstractmethod
    def consumer(self, topic: str, group: str) -> Consumer:
        """A new replica of consumer ``group`` on ``topic``."""

    @abstractmethod
    async def lag(self, topic: str, group: str) -> int | None:
        """Records of ``topic`` not yet committed by ``group`` (``None`` if unknown)."""

    async def __aenter__(self) -> Bus:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
