"""A running fake Reddit: its state, its HTTP server, and the handles a test pulls.

The state (tokens, rate-limit windows, posts, faults, ledger) lives in this object, so
it survives any number of client restarts; one lock guards it, because the server's
thread and the test's thread both touch it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType

import orjson
import uvicorn
import zstandard

from earnest.fake_reddit.auth import Tokens
from earnest.fake_reddit.config import FakeRedditConfig
from earnest.fake_reddit.corpus import texts
from earnest.fake_reddit.faults import Fault, Faults
from earnest.fake_reddit.ledger import Ledger, PostRecord, RequestRecord
from earnest.fake_reddit.limits import RateLimits
from earnest.fake_reddit.stream import PostStream
from earnest.fake_reddit.submission import Generated, submission


class FakeReddit:
    """A fake Reddit; ``with FakeReddit(config) as reddit:`` serves it on ``reddit.url``."""

    def __init__(self, config: FakeRedditConfig | None = None, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.config = config = config or FakeRedditConfig()
        self.clock = clock
        self.lock = threading.RLock()
        self.tokens = Tokens(config.clients, config.users, config.token_lifetime)
        self.limits = RateLimits(config.requests_per_window, config.window)
        self.faults = Faults()
        self.retry_until: dict[str, float] = {}  # client id -> end of its Retry-After
        self._ledger = Ledger()
        self.stream = PostStream(config.subreddits, config.rate, texts(config.corpus),
                                 removal_fraction=config.removal_fraction,
                                 removal_delay=config.removal_delay, seed=config.seed,
                                 started=clock(), on_post=self._record_post)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    # Running

    def start(self) -> FakeReddit:
        """Serve in a background thread; returns once the server accepts connections."""
        self._socket = self._bind()
        self._server = self._uvicorn()
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self._socket]},
                                        name="fake-reddit", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the fake Reddit server did not start")
            time.sleep(0.01)
        return self

    def serve_forever(self, on_ready: Callable[[str], None] = lambda url: None) -> None:
        """Serve in this thread until interrupted (Ctrl-C): the demo command."""
        self._socket = self._bind()
        on_ready(self.url)
        self._uvicorn().run(sockets=[self._socket])

    def close(self) -> None:
        """Stop serving; the state stays readable."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server, self._thread, self._socket = None, None, None

    def __enter__(self) -> FakeReddit:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    @property
    def url(self) -> str:
        """Where it serves, e.g. ``http://127.0.0.1:41234`` (both Reddit hosts in one)."""
        if self._socket is None:
            raise RuntimeError("the fake Reddit is not started")
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def _uvicorn(self) -> uvicorn.Server:
        from earnest.fake_reddit.app import create_app

        return uvicorn.Server(uvicorn.Config(
            create_app(self), log_level="warning", access_log=False, lifespan="off",
            loop="asyncio", ws="none", server_header=False))

    def _bind(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.config.host, self.config.port))
        # Listening at once: a client that connects before the server runs waits in the
        # backlog instead of being refused.
        sock.listen(2048)
        return sock

    # Faults

    def storm(self, requests: int = 0, seconds: float = 0.0,
              retry_after: int | None = 4) -> None:
        """Answer the next ``requests`` API requests (and all for ``seconds``) with 429.

        With ``retry_after`` the 429 carries ``Retry-After`` and a client that comes back
        sooner is recorded as such; with None it carries no hint, as Reddit sometimes does.
        """
        with self.lock:
            self.faults.add(Fault("429", 429, retry_after=retry_after, requests=requests,
                                  until=self.clock() + seconds))

    def server_errors(self, requests: int = 0, seconds: float = 0.0, status: int = 503,
                      cloudflare: bool = False) -> None:
        """Answer the next ``requests`` API requests (and all for ``seconds``) with ``status``.

        They come with Reddit's bodies (500: its JSON error; 502, 503, 504: empty);
        ``cloudflare`` answers with
        Cloudflare's HTML error page instead (status 520-524 is what its edge sends).
        """
        with self.lock:
            self.faults.add(Fault("5xx", status, cloudflare=cloudflare, requests=requests,
                                  until=self.clock() + seconds))

    def revoke_tokens(self) -> int:
        """Invalidate every access token, so every client must ask for a new one."""
        with self.lock:
            return self.tokens.revoke_all()

    def burst(self, count: int) -> list[str]:
        """Make ``count`` posts at once (more than a listing shows, if you like); their ids."""
        with self.lock:
            return [post.id for post in self.stream.burst(count, self.clock())]

    def remove(self, post_id: str, category: str = "moderator") -> None:
        """Remove a post now: listings drop it, ``/api/info`` shows why."""
        with self.lock:
            self.stream.remove(post_id, category, self.clock())

    # What happened

    @property
    def ledger(self) -> Ledger:
        """Every post made and request answered so far (posts due by now included)."""
        with self.lock:
            self.stream.advance(self.clock())
        return self._ledger

    def submissions(self, since: float | None = None, until: float | None = None
                    ) -> Iterator[dict]:
        """The ``data`` object of every post made, oldest first, as the API shows it now."""
        with self.lock:
            now = self.clock()
            self.stream.advance(now)
            posts = list(self.stream.posts)
        for post in posts:
            if (since is None or post.created_utc >= since) and (
                    until is None or post.created_utc < until):
                yield self._dump_line(post, now)

    def write_dump(self, path: str | Path, since: float | None = None,
                   until: float | None = None) -> int:
        """Write the posts made (created in [since, until)) as an ``RS_YYYY-MM.zst`` dump.

        One submission ``data`` object a line, zstandard-compressed, as the monthly
        dumps are and as ``earnest import`` reads them; returns how many posts.
        """
        count = 0
        with open(path, "wb") as raw, zstandard.ZstdCompressor().stream_writer(raw) as out:
            for data in self.submissions(since, until):
                out.write(orjson.dumps(data) + b"\n")
                count += 1
        return count

    def _dump_line(self, post: Generated, now: float) -> dict:
        # Dumps say when each object was fetched; here: when it was written out.
        return {**submission(post, now), "retrieved_on": int(now)}

    def record(self, request: RequestRecord) -> None:
        """Add an answered request to the ledger (the app calls it for each one)."""
        self._ledger.request(request)

    def _record_post(self, post: Generated) -> None:
        self._ledger.post(PostRecord(post.id, post.subreddit, post.created_utc))
