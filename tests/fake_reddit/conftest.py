"""A fake Reddit per test, and an httpx client that talks to it as a Reddit client would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from earnest.fake_reddit import FakeReddit, FakeRedditConfig

RECORDINGS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "reddit-api"
AGENT = "linux:earnest-tests:0.1 (by /u/earnest)"
CLIENT = ("earnest-client", "earnest-secret")


class RedditClient:
    """What a script app does: get a token with its client credentials, then call the API."""

    def __init__(self, reddit: FakeReddit, agent: str = AGENT) -> None:
        self.reddit = reddit
        self.http = httpx.Client(base_url=reddit.url, headers={"User-Agent": agent})
        self.access_token = ""

    def grant(self, auth: tuple[str, str] = CLIENT, **form: str) -> httpx.Response:
        form = form or {"grant_type": "client_credentials"}
        response = self.http.post("/api/v1/access_token", auth=auth, data=form)
        self.access_token = response.json().get("access_token", self.access_token)
        return response

    def get(self, path: str, **params: Any) -> httpx.Response:
        if not self.access_token:
            self.grant()
        return self.http.get(path, params={"raw_json": 1, **params},
                             headers={"Authorization": f"bearer {self.access_token}"})

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def start() -> Iterator[Callable[..., FakeReddit]]:
    """``start(rate=0, ...)``: a running fake Reddit with that config, stopped after the test."""
    running: list[FakeReddit] = []

    def _start(**config: Any) -> FakeReddit:
        reddit = FakeReddit(FakeRedditConfig(**{"rate": 0.0, **config})).start()
        running.append(reddit)
        return reddit

    yield _start
    for reddit in running:
        reddit.close()


@pytest.fixture
def client() -> Iterator[Callable[..., RedditClient]]:
    made: list[RedditClient] = []

    def _client(reddit: FakeReddit, agent: str = AGENT) -> RedditClient:
        made.append(RedditClient(reddit, agent))
        return made[-1]

    yield _client
    for each in made:
        each.close()


def ids(response: httpx.Response) -> list[str]:
    return [child["data"]["id"] for child in response.json()["data"]["children"]]
