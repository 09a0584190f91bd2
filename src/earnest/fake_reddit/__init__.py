"""A fake Reddit: a real local HTTP server that behaves like Reddit's API, for tests,
CI and demos (Reddit itself cannot be reached from everywhere, and never on demand).

It serves what a client of new posts needs, shaped as Reddit's recorded answers are:

- ``POST /api/v1/access_token``: HTTP basic auth with a client id and secret,
  ``grant_type=client_credentials`` or ``password``; answers ``{"access_token",
  "token_type": "bearer", "expires_in", "scope"}``. Tokens expire after
  ``token_lifetime``; an expired, revoked or unknown one gets 401 with
  ``www-authenticate: Bearer realm="reddit", error="invalid_token"``.
- ``GET /r/{a+b+c}/new`` (``limit`` up to 100, ``after``/``before`` fullnames,
  ``count``): a ``Listing`` of ``t3`` children, newest first, with Reddit's cursors; only
  the newest ``listing_cap`` posts are reachable, so a client that falls behind loses
  posts unless it notices. Removed posts drop out of listings.
- ``GET /api/info?id=t3_a,t3_b``: those posts as they are now, removed ones included.

Both of Reddit's hosts (``www`` for tokens, ``oauth`` for the API) are the one ``url``.
Every request needs a descriptive User-Agent (a generic library one gets Reddit's 429).
Each OAuth client has ``requests_per_window`` requests per ``window`` seconds; every
answer to an authenticated request that reaches the budget carries ``X-Ratelimit-Used``,
``X-Ratelimit-Remaining`` and ``X-Ratelimit-Reset``, and a request over the budget gets
429 (with ``Retry-After`` when ``retry_after`` is set). Injected faults answer as the
recordings show: a storm's 429 and a 5xx come without rate-limit headers.

The Python API (stable)::

    from earnest.fake_reddit import FakeReddit, FakeRedditConfig

    config = FakeRedditConfig(rate=5.0, subreddits={"science": 1, "funny": 2},
                              requests_per_window=100, window=60, token_lifetime=3600)
    with FakeReddit(config) as reddit:       # uvicorn in a thread, on a free port
        reddit.url                           # "http://127.0.0.1:PORT"
        config.clients                       # {"earnest-client": "earnest-secret"}
        reddit.storm(requests=5, retry_after=4)          # or seconds=..., retry_after=None
        reddit.server_errors(requests=3, status=502)     # cloudflare=True: 520-524 HTML
        reddit.revoke_tokens()                           # every client must get a new token
        reddit.burst(1500)                               # more posts than a listing shows
        reddit.remove(post_id, "moderator")
        reddit.ledger.posts                  # [PostRecord(id, subreddit, created_utc)]
        reddit.ledger.requests               # [RequestRecord(time, path, status, ...)]
        reddit.ledger.token_grants, reddit.ledger.over_budget(),
        reddit.ledger.during_retry_after()
        reddit.write_dump("RS_2026-12.zst")  # the posts made, as a dump `earnest import` reads

``FakeReddit(config).serve_forever()`` serves in the calling thread (``earnest
fake-reddit``); with ``admin=True`` the faults are also ``POST /_admin/storm``,
``/_admin/server_errors``, ``/_admin/revoke_tokens``, ``/_admin/burst``,
``/_admin/remove`` and ``GET /_admin/ledger``. New posts are made at ``rate`` per second
over the weighted subreddits, with texts drawn from ``corpus`` (any iterable of
submission ``data`` objects; by default the sample bundled with earnest), a subreddit's
own texts where the corpus has some.
"""

from earnest.fake_reddit.config import FakeRedditConfig
from earnest.fake_reddit.ledger import Ledger, PostRecord, RequestRecord
from earnest.fake_reddit.server import FakeReddit

__all__ = ["FakeReddit", "FakeRedditConfig", "Ledger", "PostRecord", "RequestRecord"]
