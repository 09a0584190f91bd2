"""``earnest fake-reddit`` as a user runs it for a demo: a server a client can use at once."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from tests.fake_reddit.conftest import AGENT


def test_the_command_serves_until_interrupted() -> None:
    exe = shutil.which("earnest", path=str(Path(sys.executable).parent)) or "earnest"
    proc = subprocess.Popen(
        [exe, "fake-reddit", "--port", "0", "--rate", "20", "--subreddit", "science:2",
         "--subreddit", "funny", "--client", "demo:demo-secret", "--requests-per-window", "50"],
        stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, line
        http = httpx.Client(base_url=found.group(0), headers={"User-Agent": AGENT})
        token = http.post("/api/v1/access_token", auth=("demo", "demo-secret"),
                          data={"grant_type": "client_credentials"}).json()["access_token"]
        http.post("/_admin/burst", json={"count": 3})
        listing = http.get("/r/science+funny/new", params={"limit": 100},
                           headers={"Authorization": f"bearer {token}"})
        assert listing.status_code == 200 and listing.headers["x-ratelimit-remaining"] == "48.0"
        subs = {child["data"]["subreddit"] for child in listing.json()["data"]["children"]}
        assert subs and subs <= {"science", "funny"}
        http.close()
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=20)
        rest = proc.stderr.read() if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
    # Ctrl-C ends it as Ctrl-C ends a program (130), without a traceback.
    assert code in (0, 130) and "Traceback" not in rest, rest
