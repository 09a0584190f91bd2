"""What a fake Reddit is: its accounts, its subreddits, its pace and its limits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from earnest.errors import ConfigError

DEFAULT_CLIENTS = {"earnest-client": "earnest-secret"}
DEFAULT_USERS = {"earnest-user": "earnest-password"}
DEFAULT_SUBREDDITS = {"AskReddit": 3.0, "science": 1.0, "funny": 2.0, "worldnews": 1.0}


@dataclass(frozen=True)
class FakeRedditConfig:
    """Everything a fake Reddit is started with; nothing changes it afterwards.

    The defaults are Reddit's own where Reddit has one: 1,000 requests per 600 s
    window per OAuth client, tokens that live a day, listings that reach back
    1,000 items, a ``Retry-After`` header on a 429.
    """

    #: OAuth client id to secret; a token request must name one in HTTP basic auth.
    clients: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CLIENTS))
    #: Reddit username to password, for ``grant_type=password``.
    users: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_USERS))
    #: Subreddit name to its share of the new posts.
    subreddits: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SUBREDDITS))
    #: New posts per second, over all subreddits; 0 makes posts only on demand (``burst``).
    rate: float = 1.0
    #: Requests each OAuth client may make per window.
    requests_per_window: int = 1000
    #: Length of a rate-limit window in seconds; it starts at a client's first request.
    window: float = 600.0
    #: Whether a 429 for a spent budget says when to come back (``Retry-After``).
    retry_after: bool = True
    #: Seconds a granted access token stays valid.
    token_lifetime: float = 86400.0
    #: How many of a listing's newest items a client can page through.
    listing_cap: int = 1000
    #: Share of new posts that are removed later, and after how many seconds.
    removal_fraction: float = 0.0
    removal_delay: float = 60.0
    #: Submission ``data`` objects whose texts the new posts reuse; None: the bundled sample.
    corpus: Iterable[Mapping[str, Any]] | None = None
    #: Serve the ``/_admin/...`` routes (faults over HTTP): only for tests and demos.
    admin: bool = False
    #: Seed of the generator, so a run can be repeated.
    seed: int = 0
    host: str = "127.0.0.1"
    #: 0 picks a free port.
    port: int = 0

    def __post_init__(self) -> None:
        if not self.subreddits or any(w <= 0 for w in self.subreddits.values()):
            raise ConfigError("a fake Reddit needs subreddits, each with a positive weight")
        if self.rate < 0 or self.requests_per_window < 1 or self.window <= 0:
            raise ConfigError("rate must be >= 0, requests_per_window >= 1 and window > 0")
        if self.token_lifetime <= 0 or self.listing_cap < 1:
            raise ConfigError("token_lifetime must be > 0 and listing_cap >= 1")
        if not 0 <= self.removal_fraction <= 1:
            raise ConfigError("removal_fraction is a share between 0 and 1")


def parse_subreddits(specs: Iterable[str]) -> dict[str, float]:
    """``["science", "funny:2"]`` to ``{"science": 1.0, "funny": 2.0}``."""
    weights = {}
    for spec in specs:
        name, _, weight = spec.partition(":")
        try:
            weights[name.strip()] = float(weight) if weight else 1.0
        except ValueError:
            raise ConfigError(f"subreddit {spec!r}: the weight after ':' is not a number"
                              ) from None
    return weights


def parse_clients(specs: Iterable[str]) -> dict[str, str]:
    """``["id:secret"]`` to ``{"id": "secret"}``."""
    clients = {}
    for spec in specs:
        client_id, colon, secret = spec.partition(":")
        if not colon or not client_id:
            raise ConfigError(f"client {spec!r}: write it as ID:SECRET")
        clients[client_id] = secret
    return clients
