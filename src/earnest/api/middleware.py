"""ASGI middleware of the app: security headers on every response, and HEAD wherever GET.

Both are plain ASGI (no ``BaseHTTPMiddleware``) so that streamed and file responses pass
through untouched.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # Recharts and Swagger UI set inline styles. The browser test passes without
    # 'unsafe-inline', but it does not reach every path of theirs (tooltips, text measuring).
    "style-src": ["'self'", "'unsafe-inline'"],
    # The dashboard's favicon and Swagger UI's icons are data: URIs.
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def content_security_policy(extra_script_sources: Sequence[str] = ()) -> str:
    """The app's ``Content-Security-Policy``, its ``script-src`` extended by the sources given."""
    policy = {**_POLICY, "script-src": [*_POLICY["script-src"], *extra_script_sources]}
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


SECURITY_HEADERS = {
    "Content-Security-Policy": content_security_policy(),
    "Cross-Origin-Opener-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


class _HttpMiddleware(ABC):
    """ASGI middleware for HTTP requests; anything else (lifespan, websockets) passes by."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    @abstractmethod
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one HTTP request, calling ``self.app`` for the response."""


class SecurityHeaders(_HttpMiddleware):
    """Adds ``SECURITY_HEADERS`` to every response; a header the response set itself wins
    (the ``/docs`` page allows its one inline script in its own policy)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet(_HttpMiddleware):
    """Answers ``HEAD`` as the app answers ``GET`` (status and headers), without the body.

    Routes need not list HEAD, so the OpenAPI schema documents GET alone; a 405 adds HEAD
    to its ``Allow`` header wherever GET is allowed.
    """

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "HEAD":
            await self.app(scope, receive, _allowing_head(send))
            return

        async def send_headers_only(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                await _allowing_head(send)(message)
            elif kind == "http.response.body" and message.get("more_body", False):
                pass
            elif kind in ("http.response.body", "http.response.pathsend"):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def _allowing_head(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            headers = MutableHeaders(scope=message)
            allowed = [m.strip() for m in headers.get("allow", "").split(",") if m.strip()]
            if "GET" in allowed and "HEAD" not in allowed:
                headers["Allow"] = ", ".join([*allowed, "HEAD"])
        await send(message)

    return wrapped
