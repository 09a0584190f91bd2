"""HTTP caching and compression of ready answers: ``ETag`` and ``If-None-Match`` (304),
``Cache-Control``, and gzip when the client accepts it (``Vary: Accept-Encoding``).

The gzipped body is another representation of the same resource, so its ETag carries a
``-gz`` suffix (as Apache's does); ``If-None-Match`` matches either form, since both
stand for the same JSON.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from earnest.api.snapshots import Snapshot, Snapshots

REVALIDATE = "no-cache"
"""Data routes: a client may keep the answer but asks again (cheaply, with its ETag)
before each use, so what it shows is never older than the data."""

IMMUTABLE = "public, max-age=31536000, immutable"
"""The dashboard's hashed assets: a new build has new names."""

_VARY = "Accept-Encoding"


def accepts_gzip(header: str) -> bool:
    """Whether an ``Accept-Encoding`` value accepts gzip (``gzip;q=0`` refuses it)."""
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        q = params.strip().lower().removeprefix("q=").strip() if params else "1"
        try:
            return float(q) > 0
        except ValueError:
            return False
    return False


def matches(if_none_match: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` value names ``etag`` (unquoted, without suffix):
    weak comparison, as RFC 9110 asks for this header."""
    for tag in if_none_match.split(","):
        tag = tag.strip().removeprefix("W/")
        if tag == "*" or tag.strip('"').removesuffix("-gz") == etag:
            return True
    return False


def respond(request: Request, snap: Snapshot, cache_control: str = REVALIDATE) -> Response:
    """The answer to ``request`` from ``snap``: 304 if the client holds it, else its
    body, gzipped if the client accepts that."""
    headers = {**snap.headers, "Cache-Control": cache_control, "Vary": _VARY}
    gzipped = snap.gzipped is not None and accepts_gzip(
        request.headers.get("accept-encoding", ""))
    headers["ETag"] = f'"{snap.etag}-gz"' if gzipped else f'"{snap.etag}"'
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and matches(if_none_match, snap.etag):
        return Response(status_code=304, headers=headers)
    if gzipped:
        assert snap.gzipped is not None
        headers["Content-Encoding"] = "gzip"
        return Response(snap.gzipped, media_type="application/json", headers=headers)
    return Response(snap.body, media_type="application/json", headers=headers)


class ReadyAnswers:
    """ASGI middleware: a GET whose URL has a current answer kept
    (:meth:`~earnest.api.snapshots.Snapshots.ready`) is answered here, before routing
    and parameter parsing, which cost more than the rest of such a request. Anything
    else, and any failure to tell (the database unreachable), goes on to the app, whose
    routes and error handlers answer it."""

    def __init__(self, app: ASGIApp, snapshots: Snapshots) -> None:
        self.app = app
        self.snapshots = snapshots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            try:
                snap = await self.snapshots.ready(scope)
            except Exception:  # the route meets it again, and answers with it
                snap = None
            if snap is not None:
                await respond(Request(scope), snap)(scope, receive, send)
                return
        await self.app(scope, receive, send)
