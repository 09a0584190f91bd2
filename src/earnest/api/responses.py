"""JSON responses built straight from plain data.

A route that returns a pydantic model has FastAPI dump it, validate the dump against the
response model and serialise it: for a page of 500 posts that is most of the request's
time, and its garbage makes the tail. Large routes return :class:`FastJSON` instead; their
``response_model`` still documents the shape, and the contract tests check the bodies
against it.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse


class FastJSON(JSONResponse):
    """``content`` (dicts, lists, numbers, strings, aware datetimes) as JSON; UTC as ``Z``,
    as pydantic writes it."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_UTC_Z)
