"""``earnest up`` as a user runs it, on both runtimes: real posts in, the oracle at the end.

The oracle (tests/oracle.py) shares no code with the pipeline: it reads the CSV rows
the test wrote, scores them with one ``earnest score`` call, recomputes every bucket
and compares the tables and every page the API serves with that.
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.oracle import Expected, assert_oracle, http_get, read_dataset

from earnest.testing import EarnestProcess, free_port, run_cli, write_recent_dataset

SUBREDDITS = {"askscience": 120, "AskHistorians": 120, "NeutralPolitics": 120,
              "shittyaskscience": 120, "Jokes": 120, "circlejerk": 120, "funny": 80, "pics": 80}
TOTAL = sum(SUBREDDITS.values())


def status(proc: EarnestProcess) -> dict | None:
    """/status, or None while it answers otherwise (a backend busy: not an answer yet)."""
    response = proc.get("/status")
    return response.json() if response.status_code == 200 else None


def caught_up(total: int):
    def check(proc: EarnestProcess):
        current = status(proc)
        if current and current["scores"] >= total and all(v == 0 for v in current["lag"].values()):
            return current
        return None

    return check


def test_replayed_posts_match_the_oracle(earnest_env, dataset: Path, tmp_path: Path) -> None:
    write_recent_dataset(dataset, tmp_path / "data", SUBREDDITS, time.time(), spacing=601)
    expected = Expected.from_rows(read_dataset(tmp_path / "data"), earnest_env)
    assert len(expected.posts) == TOTAL
    port = free_port()
    args = ["up", "--port", str(port), "--dataset", str(tmp_path / "data"), "--speed", "0",
            "--timeline", "original"]
    with EarnestProcess(args, earnest_env, port, log=tmp_path / "up.log") as proc:
        proc.wait_for_api(60)  # raises if the API does not answer within 60 s
        proc.wait_until(caught_up(TOTAL), timeout=120)
        assert_oracle(expected, earnest_env["EARNEST_DATABASE_URL"], http_get(proc.url),
                      dead_letters={})
        assert proc.stop() == 0


def test_sigkill_mid_replay_loses_nothing_and_counts_nothing_twice(
    earnest_env, dataset: Path, tmp_path: Path
) -> None:
    now = time.time()
    subreddits = {name: 400 for name in SUBREDDITS}
    write_recent_dataset(dataset, tmp_path / "data", subreddits, now, spacing=180)
    expected = Expected.from_rows(read_dataset(tmp_path / "data"), earnest_env)
    total = len(expected.posts)
    env = {**earnest_env, "EARNEST_BATCH_SIZE": "200"}
    span = now - min(p.created_utc for p in expected.posts.values())
    # Paced so that the replay takes about 12 s: the kill lands in the middle of it.
    args = ["up", "--dataset", str(tmp_path / "data"), "--speed", f"{span / 12:.0f}",
            "--timeline", "original"]
    port = free_port()
    with EarnestProcess([*args, "--port", str(port)], env, port, tmp_path / "up1.log") as first:
        first.wait_for_api(60)
        before = first.wait_until(
            lambda p: (s := status(p)) and s["scores"] > total // 5 and s, timeout=60)
        first.kill()
    assert 0 < before["scores"] < total, "the kill should land mid-replay"
    port = free_port()
    with EarnestProcess([*args, "--port", str(port)], env, port, tmp_path / "up2.log") as second:
        second.wait_for_api(60)
        done = second.wait_until(caught_up(total), timeout=120)
        assert (done["posts"], done["scores"]) == (total, total)
        assert_oracle(expected, env["EARNEST_DATABASE_URL"], http_get(second.url),
                      dead_letters={})
        assert second.stop() == 0
    verify = run_cli(["verify"], env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "aggregates match" in verify.stdout
