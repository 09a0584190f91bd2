"""Tokens: granted to known clients, refused otherwise, useless once expired or revoked."""

from __future__ import annotations

import time

from tests.fake_reddit.conftest import AGENT


def test_client_credentials_grant_a_bearer_token(start, client) -> None:
    reddit = start(token_lifetime=3600)
    response = client(reddit).grant()
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600 and body["scope"] == "*"
    assert isinstance(body["access_token"], str) and len(body["access_token"]) >= 20
    assert reddit.ledger.token_grants == 1


def test_password_grant_checks_the_user(start, client) -> None:
    reddit = start()
    script = client(reddit)
    ok = script.grant(grant_type="password", username="earnest-user", password="earnest-password")
    assert ok.status_code == 200 and "access_token" in ok.json()
    wrong = script.grant(grant_type="password", username="earnest-user", password="nope")
    # Reddit answers a wrong password with 200 and an error object, as recorded.
    assert wrong.status_code == 200 and wrong.json() == {"error": "invalid_grant"}
    odd = script.grant(grant_type="authorization_code")
    assert odd.json() == {"error": "unsupported_grant_type"}
    assert reddit.ledger.token_grants == 1


def test_wrong_client_credentials_are_401(start, client) -> None:
    reddit = start()
    response = client(reddit).grant(auth=("earnest-client", "wrong"))
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized", "error": 401}
    assert reddit.ledger.token_grants == 0


def test_an_unknown_token_is_401_with_www_authenticate(start, client) -> None:
    reddit = start()
    script = client(reddit)
    script.access_token = "made-up"
    response = script.get("/r/science/new")
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized", "error": 401}
    assert response.headers["www-authenticate"] == 'Bearer realm="reddit", error="invalid_token"'
    assert "x-ratelimit-used" not in response.headers


def test_a_token_expires_after_its_lifetime(start, client) -> None:
    reddit = start(token_lifetime=0.5)
    script = client(reddit)
    assert script.get("/r/science/new").status_code == 200
    time.sleep(0.6)
    assert script.get("/r/science/new").status_code == 401
    script.grant()
    assert script.get("/r/science/new").status_code == 200
    assert reddit.ledger.token_grants == 2


def test_revoking_tokens_forces_a_new_grant(start, client) -> None:
    reddit = start()
    script = client(reddit)
    assert script.get("/r/science/new").status_code == 200
    assert reddit.revoke_tokens() == 1
    assert script.get("/r/science/new").status_code == 401
    script.grant()
    assert script.get("/r/science/new").status_code == 200


def test_a_generic_user_agent_gets_429_like_reddit_gives_it(start, client) -> None:
    reddit = start()
    for agent in ("python-httpx/0.28.1", "python-requests/2.25.1 prawcore/2.0.0", ""):
        response = client(reddit, agent=agent).grant()
        assert response.status_code == 429
        assert response.json() == {"message": "Too Many Requests", "error": 429}
        assert "retry-after" not in response.headers
    assert client(reddit, agent=AGENT).grant().status_code == 200
