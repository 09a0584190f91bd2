"""The services bus: RabbitMQ, through aio-pika.

Topic ``T`` is a durable fanout exchange ``earnest.T``; consumer group ``G`` on it
is a durable quorum queue ``earnest.T.G`` bound to that exchange, shared by all of
the group's replicas. A queue only receives what is published after it exists, so
``publish`` declares the queues of the groups that read the topic (the
``subscriptions`` the bus is made with) before its first message, and ``consumer``
declares its own; a message that no queue would take fails the publish.

Records travel packed, up to 500 (and about 1 MiB) per message, since the broker's
cost is per message. ``publish`` sends every message of a call and then awaits all
their publisher confirms together. A consumer hands out whole messages, and acks
them in ``commit`` (after the caller's database commit) or nacks them back in
``release``; a message holding more records than ``fetch`` asked for is first
split into smaller messages on the same queue. ``Batch.attempts`` comes from the
quorum queue's delivery count.

When the connection drops, every unacked message goes back to its queue for
redelivery, and the bus reconnects with backoff (:mod:`earnest.retry`: 0.5 s doubling
to 5 s between tries). A broker restart should not cost a worker its life, so for up
to ``reconnect_for`` seconds (30) of outage ``publish`` keeps retrying, with the same
waits (a message may then be sent twice: consumers are idempotent), and ``fetch``
returns ``None`` after its timeout; past that they raise ``BackendUnavailable``.
``commit`` on a lost connection raises at once (the batch is redelivered), ``release``
then does nothing (the broker has already put the messages back), and ``lag`` never
waits. ``start`` does not wait either: a broker that is down, or that refuses the login
or the virtual host, at start is reported at once.

``lag`` is the number of messages ready in the group's queue plus the records of
the messages that consumers of *this* bus hold. Messages held by other processes
are not visible through AMQP, and a ready message's record count is unknown until
it is delivered: it counts as one. So lag is exact for an in-process pipeline, a
lower bound otherwise, and 0 only when the queue is empty.

Quorum queues get no ``x-delivery-limit`` here: the stage loop dead-letters a
record after ``max_attempts`` deliveries. (RabbitMQ 4 defaults the limit to 20 and
then drops the message; raise it with a policy there.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import aio_pika
import aiormq
import msgspec
import pamqp.commands
import pamqp.exceptions
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
)

from earnest.bus.base import Batch, Bus, Consumer, Subscription
from earnest.errors import (
    AuthenticationFailed,
    BackendError,
    BackendUnavailable,
    ConfigError,
    EarnestError,
)
from earnest.retry import Backoff, retry

log = logging.getLogger(__name__)

PACKED = "application/x-earnest-records+msgpack"
# Records that failed deliveries before their message was split, so attempts carry over.
_PRIOR_ATTEMPTS = "x-earnest-prior-attempts"
_NAME = re.compile(r"[a-z][a-z0-9-]*")
_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder(list[bytes]).decode
# What a lost connection or a broken channel raises, from aio-pika and below it.
_DRIVER_ERRORS = (aiormq.exceptions.AMQPError, RuntimeError, OSError, TimeoutError)
# Seconds start() gives the broker to accept us; at start nothing is worth waiting for.
_START_TIMEOUT = 3.0


def _name(kind: str, value: str) -> str:
    if not _NAME.fullmatch(value):
        raise ValueError(f"invalid {kind} name {value!r}: use lower-case letters, digits and '-'")
    return value


def _alive(conn: AbstractConnection | None) -> bool:
    # aio-pika's is_closed only turns True on our own close(); ask the AMQP layer below.
    if conn is None or conn.is_closed:
        return False
    transport = getattr(conn, "transport", None)
    return transport is not None and not transport.connection.is_closed


def _translate(exc: BaseException, doing: str) -> BackendError:
    if isinstance(exc, aio_pika.exceptions.PublishError):
        return BackendError(f"{doing}: no queue is bound to take the message")
    if isinstance(exc, aiormq.exceptions.DeliveryError) and any(
            isinstance(arg, pamqp.commands.Basic.Nack) for arg in exc.args):
        # A negative confirm: the broker did not keep the message (an internal error of a
        # queue process). Nothing was stored, so sending it again is safe: it is retried.
        return BackendUnavailable(f"{doing}: RabbitMQ did not keep the records (a nack)")
    refused = (aiormq.exceptions.ChannelAccessRefused, aiormq.exceptions.ChannelNotFoundEntity,
               aiormq.exceptions.ChannelLockedResource,
               aiormq.exceptions.ChannelPreconditionFailed, aiormq.exceptions.DeliveryError)
    if isinstance(exc, refused):
        return BackendError(f"{doing}: RabbitMQ refused: {exc}")
    return BackendUnavailable(f"{doing}: lost the RabbitMQ connection ({exc!r})")


def _connect_error(exc: Exception, url: str, retry_after: float) -> EarnestError:
    """What a failed connection attempt means, in words that say what to fix."""
    user, where, vhost = _login(url)
    if isinstance(exc, aiormq.exceptions.AuthenticationError
                  | aiormq.exceptions.ProbableAuthenticationError):
        return AuthenticationFailed(f"RabbitMQ refused the login of user {user!r} at {where}; "
                                    "check the user and password in EARNEST_BROKER_URL")
    refusal = next((a for a in exc.args if isinstance(a, pamqp.commands.Connection.Close)), None)
    if refusal is not None and refusal.reply_code == 530:  # NOT_ALLOWED: about the vhost
        if "not found" in (refusal.reply_text or ""):
            return ConfigError(f"RabbitMQ at {where} has no virtual host {vhost!r}; create it "
                               "or fix the path of EARNEST_BROKER_URL")
        return ConfigError(f"RabbitMQ at {where} refused user {user!r} the virtual host "
                           f"{vhost!r} ({refusal.reply_text}); grant it or fix "
                           "EARNEST_BROKER_URL")
    if isinstance(exc, ValueError):
        return ConfigError(f"EARNEST_BROKER_URL is not a valid AMQP URL ({exc}); expected "
                           "amqp://user:password@host:port/vhost")
    return BackendUnavailable(f"cannot reach RabbitMQ at {where} ({_reason(exc)}); is it "
                              "running? Check the host and port in EARNEST_BROKER_URL",
                              retry_after=retry_after)


def _login(url: str) -> tuple[str, str, str]:
    """The user, host:port and virtual host that ``url`` asks for, as aio-pika reads it."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # reported by aio-pika, in its words
        port = None
    port = port or (5671 if parts.scheme == "amqps" else 5672)
    return (unquote(parts.username or "guest"), f"{parts.hostname or 'localhost'}:{port}",
            unquote(parts.path[1:]) or "/")


def _reason(exc: BaseException) -> str:
    """Why a connection failed: aiormq wraps socket errors as (errno, text)."""
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    code = exc.args[0] if exc.args else None
    if isinstance(code, int) and code > 0:
        return os.strerror(code)
    return str(exc.args[-1]) if exc.args else type(exc).__name__


def pack(payloads: Sequence[bytes], max_records: int, max_bytes: int) -> Iterator[list[bytes]]:
    """Consecutive runs of ``payloads`` of at most ``max_records`` and about ``max_bytes``."""
    chunk: list[bytes] = []
    size = 0
    for payload in payloads:
        if chunk and (len(chunk) >= max_records or size + len(payload) > max_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append(payload)
        size += len(payload)
    if chunk:
        yield chunk


def _message(records: list[bytes], prior_attempts: int = 0) -> aio_pika.Message:
    return aio_pika.Message(
        _encode(records),
        content_type=PACKED,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        headers={_PRIOR_ATTEMPTS: prior_attempts} if prior_attempts else None,
    )


def _reconnect_waits(give_up_after: float = math.inf) -> Backoff:
    """The waits between tries to reach the broker: 0.5 s, doubling up to 5 s."""
    return Backoff(0.5, 5.0, give_up_after=give_up_after)


class RabbitBus(Bus):
    """Topics and consumer groups on the RabbitMQ virtual host of ``url``.

    ``subscriptions`` says which groups read which topic, so that records published
    before a group's first consumer starts are kept for it.
    """

    def __init__(
        self,
        url: str,
        *,
        subscriptions: Iterable[Subscription],
        records_per_message: int = 500,
        bytes_per_message: int = 1 << 20,
        timeout: float = 30.0,
        reconnect_for: float = 30.0,
        prefix: str = "earnest",
    ) -> None:
        self._url = url
        self._groups: dict[str, list[str]] = {}
        for group, topic in subscriptions:
            self._groups.setdefault(topic, []).append(group)
        self.records_per_message = records_per_message
        self.bytes_per_message = bytes_per_message
        self.timeout = timeout
        self.reconnect_for = reconnect_for
        self.prefix = prefix
        self._conn: AbstractConnection | None = None
        self._connecting = asyncio.Lock()
        self._setting_up = asyncio.Lock()
        self._retry_at = 0.0
        self._reconnects = _reconnect_waits()
        self._publisher: AbstractChannel | None = None
        self._exchanges: dict[str, AbstractExchange] = {}
        self._inspector: AbstractChannel | None = None
        self._consumers: set[RabbitConsumer] = set()

    def exchange_name(self, topic: str) -> str:
        return f"{self.prefix}.{_name('topic', topic)}"

    def queue_name(self, topic: str, group: str) -> str:
        return f"{self.exchange_name(topic)}.{_name('group', group)}"

    # --- connection ------------------------------------------------------------------

    async def start(self) -> None:
        # No waiting here: a broker that is down or refuses us at start is most likely
        # misconfigured, and is reported at once (a worker's supervisor restarts it). The
        # reconnect window is for a broker lost after it was reached.
        await self._connect(starting=True)

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        self._forget_channels()
        if conn is not None and not conn.is_closed:
            with contextlib.suppress(*_DRIVER_ERRORS):
                await conn.close()

    def _forget_channels(self) -> None:
        self._publisher = self._inspector = None
        self._exchanges.clear()

    async def _connect(self, starting: bool = False) -> AbstractConnection:
        """The open connection, or a new one; between failed tries, the backoff's wait.

        A caller that comes before the wait is over fails at once, with ``retry_after``.
        """
        if self._conn is not None and _alive(self._conn):
            return self._conn
        async with self._connecting:
            if self._conn is not None and _alive(self._conn):
                return self._conn
            if self._conn is not None:
                with contextlib.suppress(*_DRIVER_ERRORS):
                    await self._conn.close()
                self._conn = None
            self._forget_channels()
            loop = asyncio.get_running_loop()
            wait = self._retry_at - loop.time()
            if wait > 0:
                raise BackendUnavailable(f"RabbitMQ is unreachable; next try in {wait:.1f} s",
                                         retry_after=wait)
            try:
                self._conn = await aio_pika.connect(
                    self._url, timeout=_START_TIMEOUT if starting else self.timeout)
            except (*_DRIVER_ERRORS, pamqp.exceptions.PAMQPException, ValueError) as exc:
                pause = self._reconnects.next_delay()
                self._retry_at = loop.time() + pause
                error = _connect_error(exc, self._url, pause)
                if not starting and not isinstance(error, BackendUnavailable):
                    # Refused after a good start: most likely a restarting broker, so the
                    # caller holds its batch rather than fail it.
                    error = BackendUnavailable(str(error), retry_after=pause)
                raise error from exc
            self._reconnects.reset()
            self._retry_at = 0.0
            return self._conn

    async def _channel(self, **options: bool) -> AbstractChannel:
        conn = await self._connect()
        try:
            return await conn.channel(**options)
        except _DRIVER_ERRORS as exc:
            raise _translate(exc, "opening a channel") from exc

    async def declare_group(self, channel: AbstractChannel, topic: str, group: str
                            ) -> AbstractQueue:
        """The group's quorum queue, bound to the topic's exchange (both made if missing)."""
        exchange = await channel.declare_exchange(
            self.exchange_name(topic), aio_pika.ExchangeType.FANOUT, durable=True
        )
        queue = await channel.declare_queue(
            self.queue_name(topic, group), durable=True, arguments={"x-queue-type": "quorum"}
        )
        await queue.bind(exchange)
        return queue

    # --- publishing ------------------------------------------------------------------

    async def _confirming(self) -> AbstractChannel:
        """The channel that publishes with confirms (call with ``_setting_up`` held)."""
        if self._publisher is None or self._publisher.is_closed:
            self._exchanges.clear()
            self._publisher = await self._channel(publisher_confirms=True, on_return_raises=True)
        return self._publisher

    async def _exchange(self, topic: str) -> tuple[AbstractChannel, AbstractExchange]:
        """The confirming channel and the topic's exchange, its groups' queues declared."""
        async with self._setting_up:
            channel = await self._confirming()
            exchange = self._exchanges.get(topic)
            if exchange is None:
                for group in self._groups.get(topic, []):
                    await self.declare_group(channel, topic, group)
                exchange = await channel.declare_exchange(
                    self.exchange_name(topic), aio_pika.ExchangeType.FANOUT, durable=True
                )
                self._exchanges[topic] = exchange
            return channel, exchange

    async def publish(self, topic: str, payloads: Sequence[bytes]) -> None:
        self.exchange_name(topic)
        if not payloads:
            return
        messages = [_message(chunk) for chunk in
                    pack(payloads, self.records_per_message, self.bytes_per_message)]
        doing = f"publishing {len(payloads)} records to {topic!r}"

        async def attempt() -> None:
            try:
                channel, exchange = await self._exchange(topic)
                await self._confirmed(channel, exchange, "", messages, doing)
            except _DRIVER_ERRORS as exc:
                raise _translate(exc, doing) from exc

        await retry(attempt, _reconnect_waits(give_up_after=self.reconnect_for),
                    lambda error, delay: log.warning("%s; retrying in %.1f s", error, delay))

    async def _confirmed(self, channel: AbstractChannel, exchange: AbstractExchange,
                         routing_key: str, messages: list[aio_pika.Message], doing: str) -> None:
        """Send every message, then wait for all their confirms (one round trip, not N).

        Confirms still pending when the connection drops never resolve, so this also
        watches the channel and gives up as soon as it closes.
        """
        sends = asyncio.gather(*(exchange.publish(m, routing_key, mandatory=True)
                                 for m in messages), return_exceptions=True)
        closed = asyncio.shield(channel.closed())
        watched: list[asyncio.Future[Any]] = [sends, closed]
        try:
            await asyncio.wait(watched, timeout=self.timeout,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            closed.cancel()
        if not sends.done():
            sends.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sends
            why = "the connection was lost" if channel.is_closed else (
                f"nothing was confirmed within {self.timeout:.0f} s")
            raise BackendUnavailable(f"{doing}: {why}")
        for result in sends.result():
            if isinstance(result, BaseException):
                raise _translate(result, doing) from result

    async def requeue(self, queue: str, chunks: list[list[bytes]], prior_attempts: int) -> None:
        """Put ``chunks`` of records on ``queue`` alone (not on the topic), confirmed."""
        async with self._setting_up:
            channel = await self._confirming()
        messages = [_message(chunk, prior_attempts) for chunk in chunks]
        await self._confirmed(channel, channel.default_exchange, queue, messages,
                              f"splitting a message on {queue}")

    # --- consuming -------------------------------------------------------------------

    def consumer(self, topic: str, group: str) -> Consumer:
        return RabbitConsumer(self, topic, group)

    async def lag(self, topic: str, group: str) -> int | None:
        name = self.queue_name(topic, group)
        async with self._setting_up:
            if self._inspector is None or self._inspector.is_closed:
                self._inspector = await self._channel()
            try:
                queue = await self._inspector.declare_queue(name, passive=True)
            except aio_pika.exceptions.ChannelNotFoundEntity:
                return None  # nothing has declared the group yet
            except _DRIVER_ERRORS as exc:
                raise _translate(exc, f"reading the lag of {name}") from exc
        ready = queue.declaration_result.message_count or 0
        return ready + sum(c.records_held() for c in self._consumers if c.queue == name)


@dataclass(eq=False)
class _Delivery:
    message: AbstractIncomingMessage
    records: list[bytes]
    attempts: int
    channel: AbstractChannel


def _unpack(message: AbstractIncomingMessage, channel: AbstractChannel) -> _Delivery:
    headers = message.headers or {}
    attempts = 1 + sum(
        value for key in ("x-delivery-count", _PRIOR_ATTEMPTS)
        if isinstance(value := headers.get(key), int)
    )
    if message.redelivered:
        attempts = max(attempts, 2)
    records = [message.body]
    if message.content_type == PACKED:
        # Anything else, or a body that fails to unpack, is one record: the stage
        # validates it and dead-letters it if it is not what the topic carries.
        with contextlib.suppress(msgspec.DecodeError, msgspec.ValidationError):
            records = _decode(message.body)
    return _Delivery(message, records, attempts, channel)


class RabbitConsumer(Consumer):
    """One replica of a group: a channel consuming the group's queue."""

    def __init__(self, bus: RabbitBus, topic: str, group: str) -> None:
        self._bus = bus
        self._topic = topic
        self._group = group
        self.queue = bus.queue_name(topic, group)
        self._channel: AbstractChannel | None = None
        self._buffer: deque[_Delivery] = deque()  # delivered, not handed out (<= prefetch)
        self._held: set[_Delivery] = set()  # handed out, not committed or released
        self._arrived = asyncio.Event()
        self._failing_since: float | None = None

    def records_held(self) -> int:
        return sum(len(d.records) for d in self._buffer) + sum(len(d.records) for d in self._held)

    def _prefetch(self, max_records: int) -> int:
        # Room for this batch and the next, in messages of up to records_per_message.
        return max(2, 2 * math.ceil(max_records / self._bus.records_per_message))

    async def _consuming(self, max_records: int) -> AbstractChannel:
        if self._channel is not None and not self._channel.is_closed:
            return self._channel
        # Whatever the old channel delivered goes back to the queue when it closes.
        self._buffer.clear()
        self._held.clear()
        channel = await self._bus._channel()
        try:
            await channel.set_qos(prefetch_count=self._prefetch(max_records))
            queue = await self._bus.declare_group(channel, self._topic, self._group)

            async def on_message(message: AbstractIncomingMessage) -> None:
                self._buffer.append(_unpack(message, channel))
                self._arrived.set()

            channel.close_callbacks.add(lambda *_: self._arrived.set())
            await queue.consume(on_message)
        except _DRIVER_ERRORS as exc:
            with contextlib.suppress(*_DRIVER_ERRORS):
                await channel.close()
            raise _translate(exc, f"consuming {self.queue}") from exc
        self._bus._consumers.add(self)
        self._channel = channel
        return channel

    async def fetch(self, max_records: int, timeout: float) -> Batch | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            batch = await self._fetch(max_records, deadline)
        except BackendUnavailable:
            now = loop.time()
            if self._failing_since is None:
                self._failing_since = now
            if now - self._failing_since > self._bus.reconnect_for:
                raise
            # Most likely a broker restart: come back empty-handed, as when idle.
            await asyncio.sleep(max(0.0, deadline - now))
            return None
        self._failing_since = None
        return batch

    async def _fetch(self, max_records: int, deadline: float) -> Batch | None:
        loop = asyncio.get_running_loop()
        taken: list[_Delivery] = []
        count = 0
        while True:
            await self._consuming(max_records)
            if self._buffer:
                first = self._buffer[0]
                if taken and count + len(first.records) > max_records:
                    break
                self._buffer.popleft()
                if len(first.records) > max_records:
                    await self._split(first, max_records)
                    continue
                taken.append(first)
                count += len(first.records)
                if count >= max_records:
                    break
                continue
            if taken:
                break
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)
        self._held.update(taken)
        return Batch(
            payloads=[r for d in taken for r in d.records],
            attempts=[d.attempts for d in taken for _ in d.records],
            handle=taken,
        )

    async def _split(self, delivery: _Delivery, max_records: int) -> None:
        """Replace a message too big for one batch by smaller ones, then ack it."""
        records = delivery.records
        chunks = [records[i:i + max_records] for i in range(0, len(records), max_records)]
        try:
            await self._bus.requeue(self.queue, chunks, delivery.attempts - 1)
            await delivery.message.ack()
        except _DRIVER_ERRORS as exc:
            raise _translate(exc, f"splitting a message of {self.queue}") from exc

    def _settle(self, batch: Batch) -> list[_Delivery]:
        """The deliveries of ``batch``, no longer held by this consumer."""
        self._held.difference_update(batch.handle)
        return batch.handle

    async def commit(self, batch: Batch) -> None:
        for delivery in self._settle(batch):
            if delivery.channel.is_closed:
                raise BackendUnavailable(
                    f"cannot ack on {self.queue}: the connection was lost; the batch will be "
                    "delivered again"
                )
            try:
                await delivery.message.ack()
            except _DRIVER_ERRORS as exc:
                raise _translate(exc, f"acking on {self.queue}") from exc

    async def release(self, batch: Batch) -> None:
        for delivery in self._settle(batch):
            # On a closed channel the broker has already put the message back.
            if not delivery.channel.is_closed:
                with contextlib.suppress(*_DRIVER_ERRORS):
                    await delivery.message.nack(requeue=True)

    async def close(self) -> None:
        self._bus._consumers.discard(self)
        channel, self._channel = self._channel, None
        self._buffer.clear()
        self._held.clear()
        if channel is not None and not channel.is_closed:
            with contextlib.suppress(*_DRIVER_ERRORS):
                await channel.close()
