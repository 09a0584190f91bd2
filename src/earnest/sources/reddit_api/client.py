"""HTTP to Reddit's API: a token, the budget, and retries until an answer or ``stop``.

What each answer means, as recorded from Reddit:

- 200 with JSON: the answer. 200 with a body that is not JSON: retried.
- 401 (``invalid_token``): the token is discarded and a new one granted, once; a second
  401 in a row means the credentials cannot read the API, and stops with what to check.
- 429: no request at all until its ``Retry-After`` expires, or without one until the
  rate-limit window resets (:class:`~.budget.Budget`). Not an error: waiting is the cure.
- 5xx, Cloudflare's 52x pages, timeouts and network errors: retried with exponential
  backoff and jitter (1 s doubling to 60 s, :mod:`earnest.retry`), for as long as it takes.
- 403, 404 and redirects (Reddit redirects a missing subreddit to a search page): the
  subreddit cannot be read; retrying cannot help, so they stop with the reason.

Token requests wait for the budget too, and count in it when their answers announce it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from earnest.errors import AuthenticationFailed, SourceRefused
from earnest.retry import Backoff
from earnest.sources.reddit_api.auth import Credentials, TokenRefused, Tokens, refusal
from earnest.sources.reddit_api.budget import Budget, retry_after

log = logging.getLogger(__name__)

TIMEOUT = 30.0


@dataclass(frozen=True)
class Endpoints:
    """Where the API and the token endpoint are (Reddit's, or a fake's in tests)."""

    api: str = "https://oauth.reddit.com"
    token: str = "https://www.reddit.com/api/v1/access_token"  # noqa: S105 - a URL


class RedditClient:
    """GET requests to the API within its announced budget. Use as ``async with``."""

    def __init__(self, credentials: Credentials, endpoints: Endpoints, stop: asyncio.Event,
                 budget: Budget | None = None) -> None:
        self.credentials = credentials
        self.endpoints = endpoints
        self.stop = stop
        self.budget = budget or Budget()
        self.tokens = Tokens(credentials, self.budget.clock)
        self.requests = 0  # API requests sent, not counting token grants
        self.http = httpx.AsyncClient(headers={"User-Agent": credentials.user_agent},
                                      timeout=TIMEOUT, follow_redirects=False)

    async def __aenter__(self) -> RedditClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def get(self, path: str, params: Mapping[str, str | int]) -> Any | None:
        """The JSON answer to ``GET path``, or None if ``stop`` was set first."""
        backoff = Backoff(1.0, 60.0, stop=self.stop, jitter=0.5)
        refused = 0
        url = self.endpoints.api.rstrip("/") + path
        while not self.stop.is_set():
            token = self.tokens.valid() or await self._grant(backoff)
            if token is None or not await self._wait(self.budget.delay()):
                return None
            self.budget.sent()
            self.requests += 1
            try:
                response = await self.http.get(url, params={**params, "raw_json": 1},
                                               headers={"Authorization": f"bearer {token}"})
            except httpx.TransportError as exc:
                await self._later(backoff, f"cannot reach {self.endpoints.api}: {exc!r}")
                continue
            self.budget.update(response.headers)
            status = response.status_code
            if status == 401:
                refused += 1
                if refused == 2:
                    raise AuthenticationFailed(
                        "Reddit refused two fresh access tokens in a row (HTTP 401); check "
                        "EARNEST_REDDIT_CLIENT_ID, EARNEST_REDDIT_CLIENT_SECRET and that "
                        "EARNEST_REDDIT_API_URL and EARNEST_REDDIT_AUTH_URL belong together")
                self.tokens.discard(token)
            elif status == 429:
                held = self.budget.hold(retry_after(response.headers))
                log.warning("Reddit asked to slow down (429): no request for %.1f s", held)
            elif status >= 500:
                await self._later(backoff, f"Reddit answered {path} with HTTP {status}")
            elif status == 200:
                try:
                    return response.json()
                except ValueError:
                    await self._later(backoff, f"Reddit's answer to {path} is not JSON")
            else:
                raise SourceRefused(_refused(path, status, response.headers))
        return None

    async def _grant(self, backoff: Backoff) -> str | None:
        """A new access token, or None if ``stop`` was set first."""
        while await self._wait(self.budget.delay()):
            self.budget.sent()
            try:
                response = await self.http.post(self.endpoints.token,
                                                data=self.credentials.grant(),
                                                auth=self.credentials.basic_auth())
            except httpx.TransportError as exc:
                await self._later(backoff, f"cannot reach {self.endpoints.token}: {exc!r}")
                continue
            self.budget.update(response.headers)
            if response.status_code == 429:
                held = self.budget.hold(retry_after(response.headers))
                log.warning("Reddit's token endpoint asked to slow down (429): waiting %.1f s",
                            held)
                continue
            try:
                body = response.json()
            except ValueError:
                body = None
            reason = refusal(response.status_code, body)
            if reason is not None:
                raise TokenRefused(reason)
            if (response.status_code == 200 and isinstance(body, dict)
                    and isinstance(body.get("access_token"), str)):
                return self.tokens.accept(body)
            await self._later(backoff, f"the token endpoint answered HTTP "
                                       f"{response.status_code} without a token")
        return None

    async def _wait(self, seconds: float) -> bool:
        """Sleep ``seconds``; False if ``stop`` was set meanwhile."""
        if seconds > 0:
            try:
                await asyncio.wait_for(self.stop.wait(), seconds)
            except TimeoutError:
                pass
        return not self.stop.is_set()

    async def _later(self, backoff: Backoff, problem: str) -> None:
        delay = backoff.next_delay()
        log.warning("%s; retrying in %.1f s", problem, delay)
        await backoff.sleep(delay)


def _refused(path: str, status: int, headers: Mapping[str, str]) -> str:
    if status == 403 and "insufficient_scope" in headers.get("www-authenticate", ""):
        return (f"Reddit refused {path} (HTTP 403): the access token may not read listings; "
                "give the app the read scope")
    if status == 403:
        return (f"Reddit refused {path} (HTTP 403): a subreddit there is private, quarantined "
                "or banned; stop following it")
    if status in (301, 302, 404):
        return (f"Reddit has no listing at {path} (HTTP {status}): a subreddit there does not "
                "exist; check the names followed")
    return f"Reddit refused {path} with HTTP {status}"
