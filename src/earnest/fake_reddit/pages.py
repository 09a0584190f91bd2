"""The bodies and headers of Reddit's answers, as the recordings show them.

Errors from the API are small JSON objects (``{"message": "Unauthorized", "error":
401}``); a 429 that says when to come back is Reddit's HTML "whoa there, pardner!"
page with a ``Retry-After`` header, one that does not is JSON; a 500 is the JSON error
(as recorded in 2022), a 502, 503 or 504 has an empty body, and an error from
Cloudflare's edge is its HTML error page.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import orjson
from starlette.responses import Response

JSON = "application/json; charset=UTF-8"
HTML = "text/html; charset=UTF-8"
COMMON = {"server": "snooserv", "x-moose": "majestic", "x-content-type-options": "nosniff",
          "cache-control": "private, s-maxage=0, max-age=0, must-revalidate, no-store"}
WWW_AUTHENTICATE = 'Bearer realm="reddit", error="invalid_token"'


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None
                  ) -> Response:
    return Response(orjson.dumps(body), status, {**COMMON, **(headers or {})}, media_type=JSON)


def error(status: int, headers: dict[str, str] | None = None) -> Response:
    """Reddit's JSON error body for ``status``."""
    return json_response({"message": HTTPStatus(status).phrase, "error": status}, status,
                         headers)


def unauthorized() -> Response:
    return error(401, {"www-authenticate": WWW_AUTHENTICATE})


def too_many_requests(retry_after: int | None, headers: dict[str, str] | None = None
                      ) -> Response:
    """A 429: the HTML page with ``Retry-After``, or the JSON error without it."""
    if retry_after is None:
        return error(429, headers)
    page = WHOA.replace("{seconds}", str(retry_after))
    return Response(page, 429, {**COMMON, **(headers or {}), "retry-after": str(retry_after)},
                    media_type=HTML)


def server_error(status: int, cloudflare: bool) -> Response:
    """A 5xx: as the application answers it, or as Cloudflare's edge does."""
    if not cloudflare:
        if status == 500:
            return error(500)
        return Response(b"", status, dict(COMMON), media_type=JSON)
    phrase = CLOUDFLARE_PHRASES.get(status) or HTTPStatus(status).phrase
    page = CLOUDFLARE.replace("{status}", str(status)).replace("{phrase}", phrase)
    return Response(page, status, {"server": "cloudflare", "cf-ray": "0000000000000000-FAK"},
                    media_type=HTML)


CLOUDFLARE_PHRASES = {520: "Web server is returning an unknown error",
                      521: "Web server is down", 522: "Connection timed out",
                      523: "Origin is unreachable", 524: "A timeout occurred"}

WHOA = """<!doctype html>
<html>
  <head>
    <title>Too Many Requests</title>
  </head>
  <body>
    <h1>whoa there, pardner!</h1>
<p>we're sorry, but you appear to be a bot and we've seen too many requests
from you lately. we enforce a hard speed limit on requests that appear to come
from bots to prevent abuse.</p>

<p>please wait {seconds} second(s) and try again.</p>
  </body>
</html>
"""

CLOUDFLARE = """<!DOCTYPE html>
<html class="no-js" lang="en-US">
<head>
<title>reddit.com | {status}: {phrase}</title>
<meta charset="UTF-8" />
</head>
<body>
<div id="cf-wrapper">
  <div id="cf-error-details" class="cf-error-details-wrapper">
    <h1><span class="cf-error-type">Error</span> <span class="cf-error-code">{status}</span></h1>
    <h2 class="cf-subheadline">{phrase}</h2>
  </div>
  <p>Cloudflare Ray ID: <strong>0000000000000000</strong></p>
</div>
</body>
</html>
"""
