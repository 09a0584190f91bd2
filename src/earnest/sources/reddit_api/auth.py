"""OAuth2 access tokens for Reddit's API: one grant per expiry, a new one after a 401.

A script app (username and password set) uses the password grant; any other app the
``client_credentials`` grant, which reads public subreddits only. The client id and
secret go in HTTP basic auth. A token is used until a minute before it expires (or a
tenth of its life, if that is shorter), then replaced; :meth:`Tokens.discard` drops
one that the API refused. Secrets appear in no message: errors name the settings to
check, never their values.

The token endpoint answers a refusal in several ways, all recorded from Reddit: 401
for an unknown client, 400 ``{"error": 400}``, or 200 with ``{"error": "invalid_grant"}``
(wrong password) or ``{"error": "unauthorized_client"}`` (not a script app).
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from earnest.config import Settings
from earnest.errors import AuthenticationFailed, ConfigError

EARLY = 60.0  # seconds before expiry a token is replaced


@dataclass(frozen=True)
class Credentials:
    """Who earnest is to Reddit. ``username`` and ``password`` only for script apps."""

    client_id: str
    client_secret: SecretStr
    user_agent: str
    username: str | None = None
    password: SecretStr | None = None

    def grant(self) -> dict[str, str]:
        """The token request's form."""
        if self.username and self.password is not None:
            return {"grant_type": "password", "username": self.username,
                    "password": self.password.get_secret_value()}
        return {"grant_type": "client_credentials"}

    def basic_auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self.client_id, self.client_secret.get_secret_value())


def credentials(settings: Settings) -> Credentials:
    """The credentials of the settings, or of ``reddit_secrets_file`` where they are unset."""
    values: dict[str, Any] = {}
    if settings.reddit_secrets_file is not None:
        path = settings.reddit_secrets_file
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            # The message quotes no line of the file: it holds secrets.
            raise ConfigError(f"EARNEST_REDDIT_SECRETS_FILE {path} is not TOML (line "
                              f"{exc.args[0].rpartition('line ')[2]}); see the README's "
                              "'Following Reddit live'") from None
    client_id = settings.reddit_client_id or values.get("client_id")
    secret = settings.reddit_client_secret or _secret(values.get("client_secret"))
    if not client_id or secret is None:
        raise ConfigError("following Reddit needs an API app's credentials: set "
                          "EARNEST_REDDIT_CLIENT_ID and EARNEST_REDDIT_CLIENT_SECRET, or "
                          "EARNEST_REDDIT_SECRETS_FILE (see the README's 'Following Reddit "
                          "live')")
    username = settings.reddit_username or values.get("username")
    password = settings.reddit_password or _secret(values.get("password"))
    if bool(username) != (password is not None):
        raise ConfigError("a script app needs both EARNEST_REDDIT_USERNAME and "
                          "EARNEST_REDDIT_PASSWORD (or neither, to read as the app)")
    return Credentials(str(client_id), secret, settings.reddit_user_agent,
                       str(username) if username else None, password)


def _secret(value: object) -> SecretStr | None:
    return SecretStr(str(value)) if value else None


class TokenRefused(AuthenticationFailed):
    """Reddit refused to grant a token: credentials or the app's type are wrong."""


_HINTS = {
    "invalid_grant": "Reddit refused the username or password; check EARNEST_REDDIT_USERNAME "
                     "and EARNEST_REDDIT_PASSWORD (an account with two-factor login cannot be "
                     "used by a script)",
    "unauthorized_client": "Reddit allows the password grant only to script apps; create a "
                           "script app at https://www.reddit.com/prefs/apps, or unset "
                           "EARNEST_REDDIT_USERNAME to read as an app without a user",
}
_CLIENT_HINT = ("Reddit refused the app's credentials; check EARNEST_REDDIT_CLIENT_ID and "
                "EARNEST_REDDIT_CLIENT_SECRET (the string under the app's name and its secret "
                "at https://www.reddit.com/prefs/apps)")


def refusal(status: int, body: Any) -> str | None:
    """Why a token response is a refusal, as a message for the user, or None if it grants."""
    if status == 429 or status >= 500:
        return None  # the endpoint is busy or failing: waiting helps
    error = body.get("error") if isinstance(body, dict) else None
    if status in (400, 401, 403) or error in (400, 401, 403):
        return f"{_CLIENT_HINT} (HTTP {status})"
    if error is not None:
        return _HINTS.get(str(error), f"Reddit refused the token request ({error}); "
                                      "check the EARNEST_REDDIT_* settings")
    return None


@dataclass
class Token:
    value: str
    expires_at: float  # clock() time


class Tokens:
    """The current access token, granted anew when it nears expiry or is discarded."""

    def __init__(self, credentials: Credentials, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.credentials = credentials
        self.clock = clock
        self.current: Token | None = None
        self.grants = 0

    def valid(self) -> str | None:
        """The token to send, or None when a new one must be granted first."""
        if self.current is None or self.clock() >= self.current.expires_at:
            return None
        return self.current.value

    def accept(self, body: Any) -> str:
        """Take a granted token from the endpoint's JSON ``body``."""
        lifetime = float(body.get("expires_in") or 3600)
        margin = min(EARLY, lifetime / 10)
        self.current = Token(body["access_token"], self.clock() + lifetime - margin)
        self.grants += 1
        return self.current.value

    def discard(self, value: str) -> None:
        """The API refused ``value`` (a 401): the next request needs a new grant."""
        if self.current is not None and self.current.value == value:
            self.current = None
