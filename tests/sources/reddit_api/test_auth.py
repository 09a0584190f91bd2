"""Token answers as Reddit recorded them, and credentials from settings or a secrets file,
never shown in a message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from earnest.config import Settings
from earnest.errors import ConfigError
from earnest.sources.reddit_api.auth import credentials, refusal

RECORDINGS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "reddit-api"


def token_answers() -> dict[str, tuple[int, object]]:
    found = {}
    for path in sorted((RECORDINGS / "prawcore").glob("*.json")):
        if path.name.startswith("LICENSE"):
            continue
        for interaction in json.loads(path.read_text())["interactions"]:
            if interaction["request"]["uri"].endswith("/api/v1/access_token"):
                response = interaction["response"]
                try:
                    body = json.loads(response["body"]["string"])
                except ValueError:
                    body = None
                found[path.name] = (response["status"]["code"], body)
    return found


def test_recorded_token_answers() -> None:
    answers = token_answers()
    granted = [n for n, (status, body) in answers.items() if refusal(status, body) is None]
    assert len(granted) > 30
    for name in granted:
        status, body = answers[name]
        assert status in (200, 429), name  # a 429 is waited out, not refused
    assert refusal(500, {"error": 500}) is None and refusal(503, None) is None
    assert "USERNAME" in refusal(*answers["TestAuthorizer.test_authorize__with_invalid_code.json"])
    assert "CLIENT_ID" in refusal(*answers["TestAuthorizer.test_refresh__with_invalid_token.json"])
    assert "script apps" in refusal(*answers[
        "TestScriptAuthorizer.test_refresh__with_invalid_username_or_password.json"])


def test_credentials_from_a_secrets_file_and_the_environment(tmp_path: Path) -> None:
    secrets = tmp_path / "reddit.toml"
    secrets.write_text('client_id = "app-id"\nclient_secret = "s3cr3t-value"\n'
                       'username = "someone"\npassword = "pa55-value"\n')
    login = credentials(Settings(reddit_secrets_file=secrets, reddit_client_id="env-id"))
    assert login.client_id == "env-id"  # the environment wins
    assert login.grant() == {"grant_type": "password", "username": "someone",
                             "password": "pa55-value"}
    assert "s3cr3t-value" not in repr(login) and "pa55-value" not in repr(login)
    app_only = credentials(Settings(reddit_client_id="a", reddit_client_secret="b"))
    assert app_only.grant() == {"grant_type": "client_credentials"}


@pytest.mark.parametrize(("values", "says"), [
    ({}, "EARNEST_REDDIT_CLIENT_ID"),
    ({"reddit_client_id": "a", "reddit_client_secret": "b", "reddit_username": "u"},
     "both EARNEST_REDDIT_USERNAME and EARNEST_REDDIT_PASSWORD"),
])
def test_missing_credentials_say_what_to_set(values: dict, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        credentials(Settings(**values))


def test_a_broken_secrets_file_is_not_quoted(tmp_path: Path) -> None:
    secrets = tmp_path / "reddit.toml"
    secrets.write_text('client_id = "app-id"\nclient_secret = s3cr3t-value\n')
    with pytest.raises(ConfigError) as failed:
        credentials(Settings(reddit_secrets_file=secrets))
    assert "s3cr3t" not in str(failed.value) and "is not TOML" in str(failed.value)
