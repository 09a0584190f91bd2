"""What RabbitMQ needs beyond the bus contract: packing, replicas, early records, lost links."""

from __future__ import annotations

import asyncio
import subprocess
from urllib.parse import unquote, urlsplit

import pytest

from earnest.bus.rabbitmq import RabbitBus
from earnest.errors import BackendError, BackendUnavailable
from earnest.pipeline.wiring import SUBSCRIPTIONS


def run(coro):
    return asyncio.run(coro)


async def drain(consumer, want: int, max_records: int = 1000) -> list[bytes]:
    got: list[bytes] = []
    for _ in range(100):
        if len(got) >= want:
            break
        batch = await consumer.fetch(max_records, 0.2)
        if batch:
            got += batch.payloads
            await consumer.commit(batch)
    return got


def test_records_published_before_the_pipeline_starts_reach_every_stage(amqp_url) -> None:
    async def scenario() -> None:
        async with RabbitBus(amqp_url, subscriptions=SUBSCRIPTIONS) as bus:
            await bus.publish("posts", [b"early-1", b"early-2"])
            for group in ("store-posts", "score"):  # the groups that read posts
                consumer = bus.consumer("posts", group)
                assert sorted(await drain(consumer, 2)) == [b"early-1", b"early-2"]
                await consumer.close()

    run(scenario())


def test_many_records_travel_in_few_messages(amqp_url) -> None:
    async def scenario() -> None:
        async with RabbitBus(amqp_url, subscriptions=SUBSCRIPTIONS, records_per_message=100) as bus:
            payloads = [b"r%d" % i for i in range(1050)]
            await bus.publish("posts", payloads)
            assert await bus.lag("posts", "score") == 11  # messages, until delivered
            consumer = bus.consumer("posts", "score")
            batch = await consumer.fetch(1000, 5.0)
            assert batch is not None and len(batch) % 100 == 0  # whole messages
            held = await bus.lag("posts", "score")  # ready messages + records held
            assert held > len(batch) and (held - len(batch)) % 100 in (0, 50)
            await consumer.commit(batch)
            rest = await drain(consumer, 1050 - len(batch))
            assert sorted(batch.payloads + rest) == sorted(payloads)
            assert await bus.lag("posts", "score") == 0
            await consumer.close()

    run(scenario())


def test_a_message_bigger_than_the_batch_is_split_and_keeps_its_attempts(amqp_url) -> None:
    async def scenario() -> None:
        async with RabbitBus(amqp_url, subscriptions=SUBSCRIPTIONS) as bus:
            consumer = bus.consumer("posts-scores", "store-scores")
            await bus.publish("posts-scores", [b"a", b"b", b"c", b"d", b"e"])
            first = await consumer.fetch(10, 5.0)
            assert first is not None and first.attempts == [1] * 5
            await consumer.release(first)
            parts = []
            for _ in range(3):
                parts.append(await consumer.fetch(2, 5.0))
                await consumer.commit(parts[-1])
            assert sorted(len(p) for p in parts) == [1, 2, 2]
            assert all(a == 2 for p in parts for a in p.attempts)
            assert sorted(r for p in parts for r in p.payloads) == [b"a", b"b", b"c", b"d", b"e"]
            assert await consumer.fetch(10, 0.3) is None
            await consumer.close()

    run(scenario())


def test_replicas_of_a_group_share_its_records(amqp_url) -> None:
    async def scenario() -> None:
        async with RabbitBus(amqp_url, subscriptions=SUBSCRIPTIONS, records_per_message=10) as bus:
            a, b = bus.consumer("posts", "score"), bus.consumer("posts", "score")
            await a.fetch(10, 0.1)
            await b.fetch(10, 0.1)
            payloads = [b"p%d" % i for i in range(200)]
            await bus.publish("posts", payloads)
            got_a: list[bytes] = []
            got_b: list[bytes] = []

            async def share(consumer, mine: list[bytes]) -> None:
                # Each replica reads on until the two together have everything: what
                # one has prefetched, the other cannot see.
                for _ in range(200):
                    if len(got_a) + len(got_b) >= len(payloads):
                        return
                    batch = await consumer.fetch(10, 0.1)
                    if batch:
                        mine += batch.payloads
                        await consumer.commit(batch)

            await asyncio.gather(share(a, got_a), share(b, got_b))
            assert got_a and got_b
            assert sorted(got_a + got_b) == sorted(payloads)
            await a.close()
            await b.close()

    run(scenario())


def test_a_topic_nobody_reads_refuses_records(amqp_url) -> None:
    async def scenario() -> None:
        async with RabbitBus(amqp_url, subscriptions=SUBSCRIPTIONS) as bus:
            with pytest.raises(BackendError, match="no queue"):
                await bus.publish("nobody-reads-this", [b"x"])

    run(scenario())


def test_a_lost_connection_fails_the_commit_and_redelivers(amqp_url) -> None:
    async def scenario() -> None:
        async with RabbitBus(amqp_url, subscriptions=SUBSCRIPTIONS) as bus:
            consumer = bus.consumer("posts", "store-posts")
            await bus.publish("posts", [b"x", b"y"])
            batch = await consumer.fetch(10, 5.0)
            assert batch is not None
            await bus._conn.close()  # what a broker restart does to us
            with pytest.raises(BackendUnavailable):
                await consumer.commit(batch)
            await consumer.release(batch)  # nothing to give back: the broker has it
            again = await consumer.fetch(10, 5.0)  # reconnects
            assert again is not None and sorted(again.payloads) == [b"x", b"y"]
            assert again.attempts == [2, 2]
            await consumer.commit(again)
            await consumer.close()

    run(scenario())


def test_a_publish_the_broker_nacks_is_sent_again_until_kept(amqp_url, rabbitmqctl) -> None:
    """A negative confirm means the broker kept nothing: the publish is retried, not fatal.
    A full queue that rejects publishes makes RabbitMQ nack them."""
    vhost = unquote(urlsplit(amqp_url).path[1:])

    def ctl(*args: str) -> None:
        subprocess.run([*rabbitmqctl, "-q", *args], check=True, capture_output=True, timeout=60)

    async def scenario() -> None:
        async with RabbitBus(amqp_url, subscriptions=SUBSCRIPTIONS) as bus:
            await bus.publish("posts", [b"first"])  # the queues exist, one message each
            ctl("set_policy", "-p", vhost, "--apply-to", "queues", "full", ".*",
                '{"max-length": 1, "overflow": "reject-publish"}')
            await asyncio.sleep(1)  # the policy reaches the queues

            async def more() -> None:
                for i in range(3):
                    await bus.publish("posts", [b"more %d" % i])

            publishing = asyncio.create_task(more())
            await asyncio.sleep(3)
            assert not publishing.done()  # nacked once the queues were full, and sent again
            # Room again. (Clearing the policy would not do: a quorum queue keeps the
            # limit it last had.)
            ctl("set_policy", "-p", vhost, "--apply-to", "queues", "full", ".*",
                '{"max-length": 100000, "overflow": "reject-publish"}')
            await asyncio.wait_for(publishing, 30)
            consumer = bus.consumer("posts", "store-posts")
            kept = await drain(consumer, 4)
            # At least once: a record nacked by one queue and kept by the other comes twice.
            assert set(kept) == {b"first", b"more 0", b"more 1", b"more 2"}
            await consumer.close()

    run(scenario())
