"""Real, in-process helpers for tests and notebooks (not mocks).

- :class:`ListSource`: a source backed by a list of posts and rejected rows.
- :func:`run_until_idle`: run every pipeline stage until no topic has anything left
  and no score waits for its post, started the way ``earnest worker`` starts one.
- :func:`write_slice`: the first rows of some subreddits' CSV files, as a small dataset.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from earnest.config import Settings
from earnest.pipeline.wiring import PIPELINE
from earnest.records import Post
from earnest.run import Until, run_stages
from earnest.sources.base import Rejected, Source


class ListSource(Source):
    """The given records, in order."""

    def __init__(self, records: Sequence[Post | Rejected], name: str = "list") -> None:
        self._records = list(records)
        self.checkpoint_name = name

    def records(self, start: int) -> Iterator[Post | Rejected]:
        return iter(self._records[start:])


async def run_until_idle(settings: Settings, timeout: float = 120.0) -> None:
    """Run all stages in this process until every consumer group has caught up and no
    score waits for its post; raises what a stage raised, or ``TimeoutError``."""
    async with asyncio.timeout(timeout):
        await run_stages(settings, PIPELINE, asyncio.Event(), until=Until.settled)


def write_slice(dataset: Path, folder: Path, per_subreddit: dict[str, int]) -> Path:
    """Copy the header and first N rows of some ``<Subreddit>.csv`` files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, count in per_subreddit.items():
        with open(dataset / f"{name}.csv", newline="", encoding="utf-8") as src, open(
            folder / f"{name}.csv", "w", newline="", encoding="utf-8"
        ) as dst:
            reader = csv.reader(src)
            writer = csv.writer(dst)
            writer.writerow(next(reader))
            for index, row in enumerate(reader):
                if index >= count:
                    break
                writer.writerow(row)
    return folder


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EarnestProcess:
    """An ``earnest`` command running as a subprocess, with its API polled over HTTP."""

    def __init__(self, args: Sequence[str], env: dict[str, str], port: int | None = None,
                 log: Path | None = None) -> None:
        import os
        import shutil
        import subprocess
        import sys

        exe = shutil.which("earnest", path=str(Path(sys.executable).parent)) or "earnest"
        self.port = port
        self.log = open(log, "ab") if log else subprocess.DEVNULL  # closed by stop() or on exit
        self.proc = subprocess.Popen(  # noqa: S603
            [exe, *args], env={**os.environ, **env}, stdout=self.log, stderr=self.log
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, **params):
        import httpx

        return httpx.get(self.url + path, params=params, timeout=10)

    def wait_for_api(self, timeout: float = 60.0) -> float:
        """Seconds until the API answered; raises if the process died or took too long."""
        import time

        import httpx

        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"earnest exited with {self.proc.returncode}")
            try:
                if self.get("/status").status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"the API did not answer within {timeout} s")

    def wait_until(self, predicate, timeout: float = 120.0, interval: float = 0.2):
        """Poll ``predicate(self)`` until it returns something truthy; return that."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"earnest exited with {self.proc.returncode}")
            result = predicate(self)
            if result:
                return result
            time.sleep(interval)
        raise TimeoutError("condition not met in time")

    def kill(self) -> None:
        import signal

        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout: float = 30.0) -> int:
        import signal

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout)
        if self.log is not None and hasattr(self.log, "close"):
            self.log.close()
        return self.proc.returncode

    def __enter__(self) -> EarnestProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.kill()
        if hasattr(self.log, "close"):
            self.log.close()


def write_recent_dataset(
    dataset: Path, folder: Path, per_subreddit: dict[str, int], now: float, spacing: float
) -> list[dict[str, str]]:
    """Real rows of some subreddits, re-timed to the recent past; returns the rows written.

    Row ``i`` overall gets ``created_utc = now - (i + 1) * spacing``, so a test knows
    every post's time without asking earnest, and the posts land in the last week.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[dict[str, str]] = []
    for name, count in per_subreddit.items():
        with open(dataset / f"{name}.csv", newline="", encoding="utf-8") as src, open(
            folder / f"{name}.csv", "w", newline="", encoding="utf-8"
        ) as dst:
            reader = csv.DictReader(src)
            writer = csv.DictWriter(dst, fieldnames=reader.fieldnames or [])
            writer.writeheader()
            for index, row in enumerate(reader):
                if index >= count:
                    break
                row["created_utc"] = f"{now - (len(written) + 1) * spacing:.3f}"
                writer.writerow(row)
                written.append({**row, "subreddit": name})
    return written


def run_cli(args: Sequence[str], env: dict[str, str], stdin: str | None = None):
    """Run an ``earnest`` command to completion; returns the CompletedProcess (text)."""
    import os
    import shutil
    import subprocess
    import sys

    exe = shutil.which("earnest", path=str(Path(sys.executable).parent)) or "earnest"
    return subprocess.run(  # noqa: S603
        [exe, *args], env={**os.environ, **env}, input=stdin, capture_output=True, text=True,
        timeout=300, check=False,
    )
