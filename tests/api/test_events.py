"""``GET /events``: a change committed by any process reaches subscribers within a second;
a client that reconnects with ``Last-Event-ID`` gets what it missed, or a reset."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import httpx

from earnest.records import Post, Score, fingerprint
from earnest.runtime import make_store


class Subscriber(threading.Thread):
    """Reads ``GET /events`` in a thread of its own; ``events``: (arrival, id, kind, data)."""

    def __init__(self, base_url: str, last_id: int | None = None) -> None:
        super().__init__(daemon=True)
        self.url = f"{base_url}/events"
        self.headers = {"Last-Event-ID": str(last_id)} if last_id is not None else {}
        self.events: list[tuple[float, int, str, dict]] = []
        self.opened = threading.Event()
        self.content_type = ""
        self._client = httpx.Client(timeout=httpx.Timeout(30, read=None))

    def run(self) -> None:
        fields: dict[str, str] = {}
        try:
            with self._client.stream("GET", self.url, headers=self.headers) as response:
                self.content_type = response.headers["content-type"]
                for line in response.iter_lines():
                    if line.startswith("retry:"):
                        self.opened.set()
                    elif line == "" and "id" in fields:
                        self.events.append((time.monotonic(), int(fields["id"]), fields["event"],
                                            json.loads(fields.get("data") or "{}")))
                        fields = {}
                    elif ":" in line and not line.startswith(":"):
                        name, _, value = line.partition(":")
                        fields[name] = value.strip()
        except (httpx.HTTPError, RuntimeError):  # closed by the test
            pass

    def close(self) -> None:
        self._client.close()

    def wait_for(self, predicate, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [e for e in self.events if predicate(e)]
            if found:
                return found[0]
            time.sleep(0.01)
        raise AssertionError(f"no such event within {timeout} s; got {self.events}")


def _write(settings, subreddit: str, post_id: str) -> float:
    """Store and score one post through a store of its own; when it was committed."""

    async def go() -> None:
        post = Post(id=post_id, subreddit=subreddit, title="Why?", created_utc=time.time())
        async with make_store(settings.resolved_database_url()) as store:
            await store.add_posts([post])
            await store.add_scores([Score(post_id=post.id, model_version="v1", seriousness=0.5,
                                          subreddit=subreddit, created_utc=post.created_utc,
                                          post_hash=fingerprint(post))])

    asyncio.run(go())
    return time.monotonic()


def _changed(name: str):
    return lambda e: e[2] == "change" and name in (e[3].get("subreddits") or [])


def test_changes_are_pushed_and_missed_ones_replayed(served_api: str, settings) -> None:
    first, second = Subscriber(served_api), Subscriber(served_api)
    for s in (first, second):
        s.start()
        assert s.opened.wait(10), "the stream did not open"
    assert first.content_type.startswith("text/event-stream")
    time.sleep(0.6)  # the feed's first look, from which changes count

    committed = _write(settings, "Eventful", "e1")
    arrival, event_id, _, data = first.wait_for(_changed("Eventful"))
    assert arrival - committed < 1.0, arrival - committed
    assert data["model_version"] == "v1" and data["subreddits"] == ["Eventful"]
    second.wait_for(_changed("Eventful"))

    # The second subscriber goes away; a change happens; it comes back and gets it.
    second.close()
    _write(settings, "Later", "l1")
    first.wait_for(_changed("Later"))
    back = Subscriber(served_api, last_id=event_id)
    back.start()
    replayed = back.wait_for(_changed("Later"))
    assert replayed[1] > event_id
    assert not [e for e in back.events if _changed("Eventful")(e)]  # seen before it left

    # An id the server no longer knows: start over.
    lost = Subscriber(served_api, last_id=1)
    lost.start()
    lost.wait_for(lambda e: e[2] == "reset")
    for s in (first, back, lost):
        s.close()


def test_many_quick_changes_are_coalesced(served_api: str, settings) -> None:
    reader = Subscriber(served_api)
    reader.start()
    assert reader.opened.wait(10)
    time.sleep(0.6)
    started = time.monotonic()
    for i in range(20):
        _write(settings, f"Busy{i}", f"b{i}")
    took = time.monotonic() - started
    reader.wait_for(_changed("Busy19"))
    changes = [e for e in reader.events if e[2] == "change"]
    # At most one event per quarter second (and one in flight when the writes began).
    assert len(changes) <= took / 0.25 + 2, (len(changes), took)
    names = {n for e in changes for n in e[3]["subreddits"]}
    assert {f"Busy{i}" for i in range(20)} <= names
    reader.close()
