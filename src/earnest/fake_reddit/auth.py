"""OAuth as Reddit does it for scripts: client credentials in HTTP basic auth, bearer tokens.

A token belongs to the client that was granted it, so its requests count against that
client's rate limit. A token is valid until it expires or until all tokens are revoked
(a fault a test can trigger to see that a client fetches a new one).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Grant:
    client_id: str
    token: str
    expires_at: float


class Tokens:
    """The tokens granted so far and the accounts allowed to ask for one."""

    def __init__(self, clients: Mapping[str, str], users: Mapping[str, str],
                 lifetime: float) -> None:
        self.clients = dict(clients)
        self.users = dict(users)
        self.lifetime = lifetime
        self._grants: dict[str, Grant] = {}

    def client(self, authorization: str | None) -> str | None:
        """The client id that ``Authorization: Basic ...`` proves, or None."""
        scheme, _, encoded = (authorization or "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        known = self.clients.get(client_id)
        return client_id if known is not None and secrets.compare_digest(known, secret) else None

    def password_ok(self, username: str, password: str) -> bool:
        known = self.users.get(username)
        return known is not None and secrets.compare_digest(known, password)

    def grant(self, client_id: str, now: float) -> Grant:
        grant = Grant(client_id, secrets.token_urlsafe(24), now + self.lifetime)
        self._grants[grant.token] = grant
        return grant

    def holder(self, authorization: str | None, now: float) -> Grant | None:
        """The grant behind ``Authorization: bearer <token>``, if it is still valid."""
        scheme, _, token = (authorization or "").partition(" ")
        grant = self._grants.get(token.strip()) if scheme.lower() == "bearer" else None
        return grant if grant is not None and now < grant.expires_at else None

    def revoke_all(self) -> int:
        """Invalidate every token; returns how many there were."""
        count = len(self._grants)
        self._grants.clear()
        return count
