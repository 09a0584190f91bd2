"""A fresh install works with nothing else: the wheel built from this checkout, installed
into a new virtual environment, run from an empty folder with no dataset beside it and
no EARNEST_* setting, replays the sample it ships and serves the dashboard."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.conftest import REPO

from earnest.testing import free_port

UV = REPO / ".tools" / "bin" / "uv"
SUBREDDITS_WITHIN_A_MINUTE = 100


def _uv(*args: str | Path, cwd: Path = REPO) -> str:
    result = subprocess.run([str(UV), *map(str, args)], cwd=cwd, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a new virtual environment holding the wheel of this checkout
    and the dependencies the lock file pins (uv's cache makes this take seconds)."""
    assert UV.is_file(), f"{UV} is missing: run make install"
    scratch = tmp_path_factory.mktemp("install")
    _uv("build", "--wheel", "--out-dir", scratch / "dist", REPO)
    (wheel,) = (scratch / "dist").glob("earnest-*.whl")
    requirements = scratch / "requirements.txt"
    requirements.write_text(_uv("export", "--frozen", "--no-dev", "--no-emit-project",
                                "--format", "requirements-txt", "--quiet"))
    _uv("venv", "--quiet", "--python", sys.executable, scratch / "venv")
    _uv("pip", "install", "--quiet", "--python", scratch / "venv" / "bin" / "python",
        "-r", requirements, wheel)
    return scratch / "venv" / "bin"


def _bare_environment() -> dict[str, str]:
    """This process's environment without anything that points at the checkout or sets
    earnest up: what a user who just installed earnest has."""
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
    return {key: value for key, value in os.environ.items()
            if not key.startswith("EARNEST_") and key not in dropped}


def _scored_subreddits(url: str) -> list[dict]:
    try:
        response = httpx.get(url + "/subreddits", timeout=5)
    except httpx.HTTPError:
        return []
    if response.status_code != 200:
        return []
    return [s for s in response.json()["subreddits"]
            if s["posts"] > 0 and s["seriousness"] is not None]


def test_the_installed_package_imports_from_its_environment(installed: Path,
                                                            tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "python"), "-c",
                            "import earnest.sources.sample as s; print(s.SAMPLE_PATH)"],
                           cwd=tmp_path, env=_bare_environment(), capture_output=True,
                           text=True, timeout=60)
    assert where.returncode == 0, where.stderr
    sample = Path(where.stdout.strip())
    assert sample.is_file() and installed.parent in sample.parents
    assert REPO not in sample.parents


def test_earnest_up_on_a_fresh_install_replays_the_bundled_sample(installed: Path,
                                                                  tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not (empty / ".." / "shared").exists()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "up.log"
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(installed / "earnest"), "up", "--port", str(port)],
                                cwd=empty, env=_bare_environment(), stdout=out, stderr=out)
        try:
            subreddits: list[dict] = []
            while len(subreddits) < SUBREDDITS_WITHIN_A_MINUTE:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() - started < 60, (
                    f"{len(subreddits)} subreddits scored after 60 s\n{log.read_text()}")
                time.sleep(1)
                subreddits = _scored_subreddits(url)
            assert all(0.0 <= s["seriousness"] <= 1.0 for s in subreddits)
            page = httpx.get(url + "/", timeout=5)
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
            assert '<div id="root">' in page.text
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) == 0, log.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    output = log.read_text()
    assert "replaying the bundled sample" in output
    assert "--dataset" in output and "EARNEST_DATASET" in output and "Reddit" in output
    assert "replay stopped at record" in output
    assert "Traceback" not in output
    assert (empty / "earnest-data").is_dir()
