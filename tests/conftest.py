"""Fixtures shared by every test area: backends, settings and real data slices.

``backend`` parametrizes a test over the runtimes: ``embedded`` (SQLite log and
SQLite store). A missing service fails the test; nothing is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from earnest.config import Settings

REPO = Path(__file__).resolve().parents[1]
DATASET = (REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts").resolve()

BACKENDS = os.environ.get("EARNEST_TEST_BACKENDS", "embedded").split(",")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    """Settings for a fresh, empty instance of ``backend``."""
    if backend == "embedded":
        return Settings(home=tmp_path / "home", dataset=DATASET)
    raise pytest.fail(f"unknown backend {backend!r}")


@pytest.fixture(scope="session")
def dataset() -> Path:
    assert DATASET.is_dir(), f"the shared dataset is missing at {DATASET}"
    return DATASET
