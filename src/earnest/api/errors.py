"""How errors become responses, and how the OpenAPI schema documents them.

``NotFound`` answers 404, ``BackendError`` 503 (with ``Retry-After`` when the backend said
when to retry), any other ``EarnestError`` or unexpected exception 500; all with an
``ErrorMessage`` body. Invalid or unknown parameters answer FastAPI's standard 422, with the
echoed input clipped so that a 422 never sends a large request back.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from earnest.api.deps import MODEL_HEADERS
from earnest.api.middleware import SECURITY_HEADERS
from earnest.api.schemas import ErrorMessage, HTTPValidationError
from earnest.errors import (
    BackendError,
    BackendUnavailable,
    EarnestError,
    NotFound,
    StateConflict,
)

MAX_ECHOED_CHARS = 200
MAX_ECHOED_ITEMS = 20

_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.",
                                "schema": {"type": "integer"}}}
_RESPONSES: dict[int, dict[str, Any]] = {
    304: {"description": "Not Modified: the ETag sent in If-None-Match is current; no body."},
    404: {"model": ErrorMessage, "description": "Not found."},
    422: {"model": HTTPValidationError, "description": "Validation Error"},
    500: {"model": ErrorMessage, "description": "Internal error."},
    503: {"model": ErrorMessage, "headers": _RETRY_AFTER,
          "description": "A backend (database or message bus) is unreachable; retry later."},
}


CACHE_HEADERS = {
    "ETag": "A strong validator of the body: send it back in If-None-Match to get a 304 "
            "while the answer is unchanged.",
    "Cache-Control": "`no-cache`: keep the answer, but revalidate it before each use.",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route that can answer with these error ``codes``."""
    return {code: _RESPONSES[code] for code in codes}


def data_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a data route: its 200's model headers (``MODEL_HEADERS``), a 404
    for an unknown ``?model=``, these error ``codes``, 500 and 503."""
    headers = {name: {"description": text, "schema": {"type": "string"}}
               for name, text in {**MODEL_HEADERS, **CACHE_HEADERS}.items()}
    return {200: {"headers": headers}, **error_responses(*sorted({404, *codes, 500, 503}))}


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(EarnestError, _earnest_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    # Handlers of Exception run outside every middleware: the headers are added here.
    app.add_exception_handler(Exception, _unexpected_error)


async def _earnest_error(request: Request, exc: Exception) -> JSONResponse:
    headers = {}
    if isinstance(exc, BackendUnavailable):
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    code = (404 if isinstance(exc, NotFound) else 409 if isinstance(exc, StateConflict)
            else 503 if isinstance(exc, BackendError) else 500)
    return JSONResponse({"detail": str(exc)}, status_code=code, headers=headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": "internal error"}, status_code=500, headers=SECURITY_HEADERS)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = jsonable_encoder(exc.errors())
    for error in errors:
        if "input" in error:
            error["input"] = _clip(error["input"])
        if isinstance(error.get("ctx"), dict):
            error["ctx"] = {key: _clip(value) for key, value in error["ctx"].items()}
    return JSONResponse({"detail": errors}, status_code=422)


def _clip(value: Any) -> Any:
    """``value`` with long strings cut and long lists and objects shortened."""
    if isinstance(value, str):
        return value if len(value) <= MAX_ECHOED_CHARS else value[:MAX_ECHOED_CHARS] + "…"
    if isinstance(value, list):
        return [_clip(item) for item in value[:MAX_ECHOED_ITEMS]]
    if isinstance(value, dict):
        return {_clip(k): _clip(v) for k, v in list(value.items())[:MAX_ECHOED_ITEMS]}
    return value
