"""Fixtures shared by every test area: backends, settings and real data slices.

``backend`` parametrizes a test over the runtimes: ``embedded`` (SQLite log and
SQLite store) and ``services`` (PostgreSQL and RabbitMQ, each test in a database
and a virtual host of its own). A missing service fails the test; nothing is skipped.

Services are found through ``EARNEST_TEST_POSTGRES_URL``, ``EARNEST_TEST_AMQP_URL`` and
``EARNEST_TEST_RABBITMQCTL`` (the command that adds virtual hosts, e.g.
``docker exec rabbitmq rabbitmqctl``).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from earnest.config import Settings

REPO = Path(__file__).resolve().parents[1]
DATASET = (REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts").resolve()

BACKENDS = os.environ.get("EARNEST_TEST_BACKENDS", "embedded").split(",")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for a fresh, empty instance of ``backend``."""
    if backend == "embedded":
        return Settings(home=tmp_path / "home", dataset=DATASET)
    if backend == "services":
        return Settings(home=tmp_path / "home", dataset=DATASET,
                        database_url=request.getfixturevalue("postgres_url"),
                        broker_url=request.getfixturevalue("amqp_url"))
    raise pytest.fail(f"unknown backend {backend!r}")


POSTGRES_URL = os.environ.get("EARNEST_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
AMQP_URL = os.environ.get("EARNEST_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
RABBITMQCTL = shlex.split(os.environ.get("EARNEST_TEST_RABBITMQCTL", "rabbitmqctl"))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped after the test."""
    import psycopg

    name = f"earnest_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield urlunsplit(urlsplit(POSTGRES_URL)._replace(path="/" + name))
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def _vhost_cleanup() -> Iterator[list[subprocess.Popen]]:
    """Virtual hosts are deleted in the background; the session waits for them at the end."""
    deletions: list[subprocess.Popen] = []
    yield deletions
    for process in deletions:
        process.wait(timeout=60)


@pytest.fixture
def amqp_url(_vhost_cleanup: list[subprocess.Popen]) -> Iterator[str]:
    """A new RabbitMQ virtual host for the URL's user, deleted after the test."""
    vhost = f"earnest-test-{uuid.uuid4().hex[:12]}"
    parts = urlsplit(AMQP_URL)
    user = parts.username or "guest"
    for command in (["add_vhost", vhost], ["set_permissions", "-p", vhost, user, ".*", ".*", ".*"]):
        subprocess.run(RABBITMQCTL + command, check=True, capture_output=True, timeout=60)
    yield urlunsplit(parts._replace(path="/" + quote(vhost, safe="")))
    _vhost_cleanup.append(subprocess.Popen(RABBITMQCTL + ["delete_vhost", vhost],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))


@pytest.fixture(scope="session")
def dataset() -> Path:
    assert DATASET.is_dir(), f"the shared dataset is missing at {DATASET}"
    return DATASET
