"""``/docs``: Swagger UI from the files the web build ships in the package, so it works
offline. The page's one inline script (Swagger UI's set-up) is allowed by its hash."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from earnest.api.middleware import content_security_policy

SWAGGER_UI_ASSETS = "/assets/swagger-ui"


def add_docs(app: FastAPI, path: str = "/docs") -> None:
    """Serve Swagger UI over ``app.openapi_url`` at ``path``."""
    assert app.openapi_url is not None
    page = get_swagger_ui_html(
        openapi_url=app.openapi_url,
        title=f"{app.title} API",
        swagger_js_url=f"{SWAGGER_UI_ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_UI_ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_UI_ASSETS}/favicon-32x32.png",
        # No badge from the online validator: the page makes no request but to this server.
        swagger_ui_parameters={"validatorUrl": None},
    )
    body = bytes(page.body)
    headers = {"Content-Security-Policy": content_security_policy(_inline_script_hashes(body))}

    async def docs() -> HTMLResponse:
        return HTMLResponse(body, headers=headers)

    app.add_api_route(path, docs, include_in_schema=False)


def _inline_script_hashes(html: bytes) -> list[str]:
    """CSP sources allowing exactly the inline scripts of ``html``."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in re.findall(rb"<script>(.*?)</script>", html, flags=re.DOTALL)
    ]
