"""``/_admin/...``: the fault switches of :class:`FakeReddit` over HTTP, for a demo or a
test that runs the server in another process. Served only when the config asks for it;
these routes pass no gate and do not enter the ledger."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from earnest.fake_reddit import pages

if TYPE_CHECKING:
    from earnest.fake_reddit.server import FakeReddit


def admin_routes(reddit: FakeReddit) -> list[Route]:
    return [
        Route("/_admin/storm", partial(storm, reddit), methods=["POST"]),
        Route("/_admin/server_errors", partial(server_errors, reddit), methods=["POST"]),
        Route("/_admin/revoke_tokens", partial(revoke_tokens, reddit), methods=["POST"]),
        Route("/_admin/burst", partial(burst, reddit), methods=["POST"]),
        Route("/_admin/remove", partial(remove, reddit), methods=["POST"]),
        Route("/_admin/ledger", partial(ledger, reddit)),
    ]


async def _body(request: Request) -> dict[str, Any]:
    body = await request.body()
    return dict(await request.json()) if body else {}


async def storm(reddit: FakeReddit, request: Request) -> Response:
    """``{"requests": 10, "seconds": 0, "retry_after": 4}`` (retry_after null: no header)."""
    body = await _body(request)
    reddit.storm(int(body.get("requests", 0)), float(body.get("seconds", 0)),
                 body.get("retry_after", 4))
    return pages.json_response({"ok": True})


async def server_errors(reddit: FakeReddit, request: Request) -> Response:
    """``{"requests": 3, "seconds": 0, "status": 503, "cloudflare": false}``."""
    body = await _body(request)
    reddit.server_errors(int(body.get("requests", 0)), float(body.get("seconds", 0)),
                         int(body.get("status", 503)), bool(body.get("cloudflare", False)))
    return pages.json_response({"ok": True})


async def revoke_tokens(reddit: FakeReddit, request: Request) -> Response:
    return pages.json_response({"revoked": reddit.revoke_tokens()})


async def burst(reddit: FakeReddit, request: Request) -> Response:
    """``{"count": 500}``: that many posts at once; answers their ids."""
    body = await _body(request)
    return pages.json_response({"ids": reddit.burst(int(body.get("count", 1)))})


async def remove(reddit: FakeReddit, request: Request) -> Response:
    """``{"id": "1t0001a", "category": "moderator"}``."""
    body = await _body(request)
    reddit.remove(str(body["id"]), str(body.get("category", "moderator")))
    return pages.json_response({"ok": True})


async def ledger(reddit: FakeReddit, request: Request) -> Response:
    """How many posts and requests so far, and how many a client should not have made."""
    book = reddit.ledger
    return pages.json_response({"posts": len(book.posts), "requests": len(book.requests),
                                "token_grants": book.token_grants,
                                "over_budget": len(book.over_budget()),
                                "during_retry_after": len(book.during_retry_after())})
