"""Services mode as deployed: the API and each worker as its own process, over HTTP.

The run ends with the oracle (tests/oracle.py): the tables and every page the API
serves against a recomputation from the CSV rows the test wrote.
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.oracle import Expected, assert_oracle, http_get, read_dataset

from earnest.testing import EarnestProcess, free_port, run_cli, write_recent_dataset

SUBREDDITS = {"askscience": 150, "Jokes": 150, "NeutralPolitics": 100, "funny": 100}
TOTAL = sum(SUBREDDITS.values())
STAGES = ["store-posts", "score", "score", "store-scores"]


def caught_up(api: EarnestProcess) -> dict | None:
    """/status once every post is scored and no stage lags (a 503 while a backend is
    busy is not an answer yet)."""
    response = api.get("/status")
    if response.status_code != 200:
        return None
    status = response.json()
    lags = status["lag"].values()
    return status if status["scores"] == TOTAL and all(lag == 0 for lag in lags) else None


def test_workers_and_api_as_processes(services, dataset: Path, tmp_path: Path) -> None:
    write_recent_dataset(dataset, tmp_path / "data", SUBREDDITS, time.time(), spacing=300)
    env = services.env
    expected = Expected.from_rows(read_dataset(tmp_path / "data"), env)
    port = free_port()
    procs = [EarnestProcess(["serve", "--port", str(port)], env, port, tmp_path / "api.log")]
    procs += [EarnestProcess(["worker", stage], env, log=tmp_path / f"{stage}-{i}.log")
              for i, stage in enumerate(STAGES)]
    try:
        api = procs[0]
        api.wait_for_api(60)
        replay = run_cli(["replay", str(tmp_path / "data")], env)
        assert replay.returncode == 0, replay.stderr
        status = api.wait_until(caught_up, timeout=120)
        assert status["posts"] == TOTAL and status["dead_letters"] == 0
        assert_oracle(expected, services.database_url, http_get(api.url), dead_letters={})
        for proc in procs[1:]:
            assert proc.stop() == 0  # SIGTERM: finish the batch in hand, exit cleanly
    finally:
        for proc in procs:
            proc.stop()
    verify = run_cli(["verify"], env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
