"""What a fake Reddit did, for tests to check a client against.

Every post it made and every request it answered, with the rate-limit headers it sent
and whether a ``Retry-After`` it had given was still running. From those a test can
assert what a well-behaved client never does: spend more than the announced budget,
come back before a ``Retry-After`` ran out, or ask for a token more often than needed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class PostRecord:
    id: str
    subreddit: str
    created_utc: float


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw and answered it."""

    time: float
    method: str
    path: str
    query: str
    status: int
    client_id: str  # empty when the request proved no client
    token: str  # empty when it carried no valid token
    used: int | None = None  # the X-Ratelimit-* values sent, when they were
    remaining: int | None = None
    reset: int | None = None
    retry_after: int | None = None  # the Retry-After sent with this response
    retry_after_active: bool = False  # an earlier Retry-After to this client had not run out
    over_budget: bool = False  # made when the client's announced budget was already spent
    fault: str = ""  # the injected fault that answered it, if any

    @property
    def token_grant(self) -> bool:
        return self.path == "/api/v1/access_token" and self.status == 200 and bool(self.token)


class Ledger:
    """Append-only records, safe to read from the test's thread while the server runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._posts: list[PostRecord] = []
        self._requests: list[RequestRecord] = []

    def post(self, record: PostRecord) -> None:
        with self._lock:
            self._posts.append(record)

    def request(self, record: RequestRecord) -> None:
        with self._lock:
            self._requests.append(record)

    @property
    def posts(self) -> list[PostRecord]:
        """Every post made, in the order made (oldest first)."""
        with self._lock:
            return list(self._posts)

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._requests)

    @property
    def token_grants(self) -> int:
        return sum(record.token_grant for record in self.requests)

    def over_budget(self) -> list[RequestRecord]:
        """Requests a client made after the server had told it its budget was spent."""
        return [record for record in self.requests if record.over_budget]

    def during_retry_after(self) -> list[RequestRecord]:
        """Requests a client made before a ``Retry-After`` it was given had run out."""
        return [record for record in self.requests if record.retry_after_active]
