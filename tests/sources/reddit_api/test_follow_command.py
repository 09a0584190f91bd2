"""``earnest follow`` and ``earnest up --follow`` as a user runs them: what a missing
setting says, and ``up`` scoring a fake Reddit's new posts instead of a replay."""

from __future__ import annotations

from pathlib import Path

from earnest.fake_reddit import FakeReddit, FakeRedditConfig
from earnest.testing import EarnestProcess, free_port, run_cli


def reddit_env(reddit: FakeReddit) -> dict[str, str]:
    (client_id, secret), = reddit.config.clients.items()
    return {"EARNEST_REDDIT_API_URL": reddit.url,
            "EARNEST_REDDIT_AUTH_URL": reddit.url + "/api/v1/access_token",
            "EARNEST_REDDIT_CLIENT_ID": client_id, "EARNEST_REDDIT_CLIENT_SECRET": secret}


def test_without_credentials_it_says_which_to_set(tmp_path: Path) -> None:
    done = run_cli(["follow", "science"], {"EARNEST_HOME": str(tmp_path)})
    assert done.returncode == 1
    assert "EARNEST_REDDIT_CLIENT_ID" in done.stderr and "Traceback" not in done.stderr


def test_with_nothing_stored_and_no_names_it_asks_for_names(tmp_path: Path) -> None:
    with FakeReddit(FakeRedditConfig()) as reddit:
        done = run_cli(["follow"], {"EARNEST_HOME": str(tmp_path), **reddit_env(reddit)})
    assert done.returncode == 1
    assert "no subreddit to follow" in done.stderr


def test_a_missing_subreddit_says_so(tmp_path: Path) -> None:
    with FakeReddit(FakeRedditConfig()) as reddit:
        done = run_cli(["follow", "nosuchplace"], {"EARNEST_HOME": str(tmp_path),
                                                   **reddit_env(reddit)})
    assert done.returncode == 1
    assert "does not exist" in done.stderr


def test_up_follows_instead_of_replaying(tmp_path: Path) -> None:
    config = FakeRedditConfig(subreddits={"science": 1, "funny": 2}, rate=20.0)
    with FakeReddit(config) as reddit:
        env = {"EARNEST_HOME": str(tmp_path / "home"), **reddit_env(reddit)}
        port = free_port()
        with EarnestProcess(["up", "--port", str(port), "--follow", "science", "--follow",
                             "funny"], env, port, tmp_path / "up.log") as up:
            up.wait_for_api()

            def both_scored(proc: EarnestProcess) -> dict | None:
                response = proc.get("/subreddits")
                names = {s["name"].lower() for s in response.json()["subreddits"]} \
                    if response.status_code == 200 else set()
                return response.json() if names == {"science", "funny"} else None

            up.wait_until(both_scored, timeout=60)
            assert up.stop() == 0
        made = {p.id for p in reddit.ledger.posts}
    log = (tmp_path / "up.log").read_text()
    assert "following r/science, r/funny" in log and "replaying" not in log
    assert made
