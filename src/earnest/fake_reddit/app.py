"""The HTTP routes of a fake Reddit, one Starlette app over a :class:`FakeReddit`.

Every API request passes the same gates, in Reddit's order: a descriptive User-Agent
(a generic library one gets the 429 Reddit gives it), a valid bearer token (else 401),
an injected fault if one runs, then the client's rate-limit budget (429 once spent).
What passes gets its answer with the budget in ``X-Ratelimit-*`` headers. Each
request, whatever its answer, goes into the ledger.

A listing cursor (``after`` or ``before``) that is no longer in the listing, because it
fell past the cap or its post was removed, gives an empty page, as on Reddit: a poller
that only asks for what is newer than its newest post must notice that itself.
"""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from earnest.fake_reddit import pages
from earnest.fake_reddit.ledger import RequestRecord
from earnest.fake_reddit.limits import Budget
from earnest.fake_reddit.submission import Generated, submission

if TYPE_CHECKING:
    from earnest.fake_reddit.server import FakeReddit

MAX_LIMIT = 100
DEFAULT_LIMIT = 25
# User-Agents of HTTP libraries as they come out of the box: Reddit throttles them.
GENERIC_AGENTS = ("python-requests", "python-httpx", "python-urllib", "aiohttp", "curl",
                  "wget", "go-http-client", "okhttp", "java", "node-fetch", "axios", "undici")


def create_app(reddit: FakeReddit) -> Starlette:
    routes = [
        Route("/api/v1/access_token", partial(access_token, reddit), methods=["POST"]),
        Route("/r/{subreddits}/new", partial(new, reddit)),
        Route("/r/{subreddits}/new.json", partial(new, reddit)),
        Route("/api/info", partial(info, reddit)),
        Route("/api/info/", partial(info, reddit)),
    ]
    if reddit.config.admin:
        from earnest.fake_reddit.admin import admin_routes

        routes += admin_routes(reddit)
    return Starlette(routes=routes)


async def access_token(reddit: FakeReddit, request: Request) -> Response:
    """Grant a bearer token to a known client (``client_credentials`` or ``password``)."""
    # The body is always urlencoded (Reddit accepts nothing else here).
    form = {key: values[0] for key, values in parse_qs((await request.body()).decode()).items()}
    with reddit.lock:
        now = reddit.clock()
        if not _descriptive(request):
            return _log(reddit, request, now, pages.error(429))
        client_id = reddit.tokens.client(request.headers.get("authorization"))
        if client_id is None:
            return _log(reddit, request, now, pages.error(401))
        budget = reddit.limits.count(client_id, now)
        if budget.over:
            return _over_budget(reddit, request, now, client_id, "", budget)
        grant_type = form.get("grant_type", "")
        if grant_type == "password" and not reddit.tokens.password_ok(
                form.get("username", ""), form.get("password", "")):
            body: dict[str, Any] = {"error": "invalid_grant"}
        elif grant_type not in ("password", "client_credentials"):
            body = {"error": "unsupported_grant_type"}
        else:
            grant = reddit.tokens.grant(client_id, now)
            body = {"access_token": grant.token, "token_type": "bearer",
                    "expires_in": math.ceil(reddit.config.token_lifetime), "scope": "*"}
        response = pages.json_response(body, headers=budget.headers(whole=True))
        return _log(reddit, request, now, response,
                    client_id, body.get("access_token", ""), budget)


async def new(reddit: FakeReddit, request: Request) -> Response:
    """``/r/a+b/new``: the newest posts of those subreddits, newest first, paged."""
    return _api(reddit, request, lambda now: _new_listing(reddit, request, now))


async def info(reddit: FakeReddit, request: Request) -> Response:
    """``/api/info?id=t3_a,t3_b``: those posts as they are now (removed ones say so)."""
    return _api(reddit, request, lambda now: _info_listing(reddit, request, now))


def _api(reddit: FakeReddit, request: Request, answer: Any) -> Response:
    with reddit.lock:
        now = reddit.clock()
        if not _descriptive(request):
            return _log(reddit, request, now, pages.error(429))
        grant = reddit.tokens.holder(request.headers.get("authorization"), now)
        if grant is None:
            return _log(reddit, request, now, pages.unauthorized())
        client_id, token = grant.client_id, grant.token
        active = now < reddit.retry_until.get(client_id, 0.0)
        fault = reddit.faults.take(now)
        if fault is not None:
            if fault.kind == "429":
                if fault.retry_after is not None:
                    reddit.retry_until[client_id] = now + fault.retry_after
                response = pages.too_many_requests(fault.retry_after)
            else:
                response = pages.server_error(fault.status, fault.cloudflare)
            return _log(reddit, request, now, response, client_id, token, None, active,
                        fault=fault.kind)
        budget = reddit.limits.count(client_id, now)
        if budget.over:
            return _over_budget(reddit, request, now, client_id, token, budget, active)
        reddit.stream.advance(now)
        status, body = answer(now)
        response = pages.json_response(body, status, budget.headers())
        return _log(reddit, request, now, response, client_id, token, budget, active)


def _over_budget(reddit: FakeReddit, request: Request, now: float, client_id: str,
                 token: str, budget: Budget, active: bool = False) -> Response:
    retry_after = None
    if reddit.config.retry_after:
        retry_after = max(1, math.ceil(reddit.limits.seconds_left(client_id, now)))
        reddit.retry_until[client_id] = now + retry_after
    response = pages.too_many_requests(retry_after, budget.headers())
    return _log(reddit, request, now, response, client_id, token, budget, active)


def _new_listing(reddit: FakeReddit, request: Request, now: float) -> tuple[int, Any]:
    names = reddit.stream.known(request.path_params["subreddits"].split("+"))
    if not names:
        return 404, {"message": "Not Found", "error": 404}
    params = request.query_params
    limit = _limit(params.get("limit"))
    reachable = reddit.stream.newest(names, reddit.config.listing_cap, now)
    index = {post.fullname: i for i, post in enumerate(reachable)}
    after, before = params.get("after"), params.get("before")
    next_after = next_before = None
    if before:
        # The items just newer than the anchor; Reddit sets no `after` on these pages.
        if before not in index:
            return 200, _listing([], now)
        end = index[before]
        page = reachable[max(0, end - limit):end]
        if page and end - limit > 0:
            next_before = page[0].fullname
    else:
        if after and after not in index:
            return 200, _listing([], now)  # the anchor fell off the end: nothing to see
        start = index[after] + 1 if after else 0
        page = reachable[start:start + limit]
        if page and start + limit < len(reachable):
            next_after = page[-1].fullname
        if page and start > 0 and _int(params.get("count")) > 0:
            next_before = page[0].fullname
    return 200, _listing(page, now, next_after, next_before)


def _info_listing(reddit: FakeReddit, request: Request, now: float) -> tuple[int, Any]:
    wanted = [name for name in request.query_params.get("id", "").split(",") if name]
    found = []
    for name in wanted[:MAX_LIMIT]:
        kind, _, post_id = name.partition("_")
        post = reddit.stream.by_id.get(post_id) if kind == "t3" else None
        if post is not None:
            found.append(post)
    return 200, _listing(found, now)


def _listing(posts: list[Generated], now: float, after: str | None = None,
             before: str | None = None) -> dict[str, Any]:
    children = [{"kind": "t3", "data": submission(post, now)} for post in posts]
    return {"kind": "Listing", "data": {"after": after, "dist": len(children), "modhash": None,
                                        "geo_filter": None, "children": children,
                                        "before": before}}


def _limit(value: str | None) -> int:
    number = _int(value)
    return min(MAX_LIMIT, number) if number > 0 else DEFAULT_LIMIT


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _descriptive(request: Request) -> bool:
    agent = request.headers.get("user-agent", "").strip().lower()
    return bool(agent) and not agent.startswith(GENERIC_AGENTS)


def _log(reddit: FakeReddit, request: Request, now: float, response: Response,
         client_id: str = "", token: str = "", budget: Budget | None = None,
         active: bool = False, fault: str = "") -> Response:
    retry_after = response.headers.get("retry-after")
    reddit.record(RequestRecord(
        time=now, method=request.method, path=request.url.path, query=request.url.query,
        status=response.status_code, client_id=client_id, token=token,
        used=budget.used if budget else None, remaining=budget.remaining if budget else None,
        reset=budget.reset if budget else None,
        retry_after=int(retry_after) if retry_after else None, retry_after_active=active,
        over_budget=bool(budget and budget.over), fault=fault))
    return response
