"""The dashboard in a real browser, against ``earnest up`` while it replays real posts.

The browser half lives in ``web/e2e/dashboard.e2e.mjs`` (playwright-core driving the
system Chromium); this test writes the data, starts the server, runs the script and
fails with its output. The replay is paced to last a minute, so the numbers on the
page change while the browser watches. Screenshots land in ``test-output/screenshots/``.

A second test loads the dashboard and ``/docs`` (``security_policy.e2e.mjs``, next to this
file) and fails if the app's Content-Security-Policy refuses anything they need, or if
they ask anything of another origin.

Needs Node, ``web/node_modules`` (``cd web && npm ci``) and Chromium (``apt-get install
chromium``, or ``EARNEST_TEST_CHROMIUM=/path/to/chrome``); a missing one fails the test.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from earnest.testing import EarnestProcess, free_port, write_recent_dataset

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "web" / "e2e" / "dashboard.e2e.mjs"
POLICY_SCRIPT = Path(__file__).with_name("security_policy.e2e.mjs")
SCREENSHOTS = REPO / "test-output" / "screenshots"

# askscience and shittyaskscience both match the filter the script types.
SUBREDDITS = {name: 200 for name in [
    "askscience", "AskHistorians", "NeutralPolitics", "explainlikeimfive", "science",
    "worldnews", "todayilearned", "shittyaskscience", "Jokes", "circlejerk", "funny", "pics",
]}
TOTAL = sum(SUBREDDITS.values())
SPACING = 180.0  # seconds between consecutive posts: 2,400 posts over five days
REPLAY_SECONDS = 60


def browser_tools() -> dict[str, str]:
    """Node and Chromium, or a failure that says how to install what is missing."""
    node = shutil.which("node")
    chromium = os.environ.get("EARNEST_TEST_CHROMIUM") or shutil.which("chromium")
    missing = []
    if node is None:
        missing.append("Node.js is not installed (Node 20 or newer; e.g. apt-get install nodejs)")
    if chromium is None or not Path(chromium).exists():
        missing.append("Chromium is not installed: apt-get install chromium "
                       "(or point EARNEST_TEST_CHROMIUM at a Chrome/Chromium binary)")
    if not (REPO / "web" / "node_modules" / "playwright-core").is_dir():
        missing.append("web/node_modules has no playwright-core: cd web && npm ci")
    if missing:
        pytest.fail("the browser test cannot run:\n- " + "\n- ".join(missing), pytrace=False)
    return {"node": str(node), "chromium": str(chromium)}


def write_interleaved(dataset: Path, folder: Path, now: float) -> list[dict[str, str]]:
    """Real rows whose subreddits take turns in time, so every one of them grows all replay long.

    Subreddit ``k`` of ``n`` gets ``now - k * SPACING - (i + 1) * n * SPACING`` for its row ``i``.
    """
    rows: list[dict[str, str]] = []
    for k, (name, count) in enumerate(SUBREDDITS.items()):
        rows += write_recent_dataset(dataset, folder, {name: count}, now - k * SPACING,
                                     len(SUBREDDITS) * SPACING)
    return rows


def a_quarter_scored(proc: EarnestProcess) -> bool:
    """15 s into the replay: charts have a day of hours to draw, and 45 s of replay remain."""
    return proc.get("/status").json()["scores"] >= TOTAL // 4


def run_script(tools: dict[str, str], args: list[str], timeout: float) -> tuple[int, str]:
    """Run a browser script; its own process group, so a timeout also ends Chromium."""
    env = {**os.environ, "CHROMIUM": tools["chromium"]}
    proc = subprocess.Popen(
        [tools["node"], *args], cwd=REPO / "web", env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, process_group=0,
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        return -1, f"{output}\n(the browser script did not finish within {timeout:.0f} s)"
    return proc.returncode, output


def test_the_dashboard_follows_a_live_replay_in_chromium(dataset: Path, tmp_path: Path) -> None:
    tools = browser_tools()
    now = time.time()
    rows = write_interleaved(dataset, tmp_path / "data", now)
    span = now - min(float(r["created_utc"]) for r in rows)
    port = free_port()
    args = ["up", "--port", str(port), "--dataset", str(tmp_path / "data"),
            "--timeline", "original", "--speed", f"{span / REPLAY_SECONDS:.0f}"]
    env = {"EARNEST_HOME": str(tmp_path / "home")}
    with EarnestProcess(args, env, port, log=tmp_path / "up.log") as proc:
        proc.wait_for_api(90)  # loading the model alone can take 15 s
        proc.wait_until(a_quarter_scored, timeout=60)
        code, output = run_script(tools, [str(SCRIPT), proc.url, str(SCREENSHOTS)], timeout=90)
        status = proc.get("/status").json()
        print(output)
        assert code == 0, (
            f"the browser script failed (exit {code}):\n{output}\n"
            f"/status after the run: {status}\nserver log:\n"
            + (tmp_path / "up.log").read_text(errors="replace")[-3000:]
        )
        assert proc.stop() == 0


def test_the_dashboard_and_the_docs_work_under_the_security_policy(
    dataset: Path, tmp_path: Path
) -> None:
    tools = browser_tools()
    rows = write_recent_dataset(dataset, tmp_path / "data", {"askscience": 60, "Jokes": 60},
                                time.time(), spacing=300.0)
    port = free_port()
    args = ["up", "--port", str(port), "--dataset", str(tmp_path / "data"),
            "--timeline", "original", "--speed", "0"]
    env = {"EARNEST_HOME": str(tmp_path / "home")}
    with EarnestProcess(args, env, port, log=tmp_path / "up.log") as proc:
        proc.wait_for_api(90)
        proc.wait_until(lambda p: p.get("/status").json()["scores"] == len(rows), timeout=60)
        code, output = run_script(tools, [str(POLICY_SCRIPT), proc.url, "askscience"], timeout=90)
        print(output)
        assert code == 0, f"the browser script failed (exit {code}):\n{output}"
        assert proc.stop() == 0
