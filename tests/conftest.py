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
import sys
import time
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


class VirtualHosts:
    """RabbitMQ virtual hosts for the URL's user, made and deleted eight at a time.

    rabbitmqctl starts an Erlang VM per call (about a second), so vhosts are created
    in batches with one ``eval`` and all deleted with one more at the end of the
    session; if ``eval`` is refused, one vhost per ``add_vhost`` call it is.
    """

    def __init__(self, user: str) -> None:
        self.user = user
        self.ready: list[str] = []
        self.made: list[str] = []

    def _ctl(self, *args: str) -> None:
        subprocess.run(RABBITMQCTL + list(args), check=True, capture_output=True, timeout=120)

    @staticmethod
    def _erlang(names: list[str]) -> str:
        return "[" + ", ".join(f'<<"{n}">>' for n in names) + "]"

    def take(self) -> str:
        if not self.ready:
            names = [f"earnest-test-{uuid.uuid4().hex[:12]}" for _ in range(8)]
            try:
                self._ctl("eval", "[begin rabbit_vhost:add(V, <<\"earnest-tests\">>),"
                          " rabbit_auth_backend_internal:set_permissions("
                          f'<<"{self.user}">>, V, <<".*">>, <<".*">>, <<".*">>,'
                          f' <<"earnest-tests">>) end || V <- {self._erlang(names)}], ok.')
            except subprocess.CalledProcessError:
                names = names[:1]
                self._ctl("add_vhost", names[0])
                self._ctl("set_permissions", "-p", names[0], self.user, ".*", ".*", ".*")
            self.ready += names
            self.made += names
        return self.ready.pop()

    def delete_all(self) -> None:
        """Best effort: a broker restarted by a fault test may still be starting up."""
        for _ in range(3):
            try:
                self._ctl("await_startup")
                self._ctl("eval", "[rabbit_vhost:delete(V, <<\"earnest-tests\">>)"
                          f" || V <- {self._erlang(self.made)}], ok.")
                return
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                time.sleep(5)
        print(f"could not delete test vhosts {self.made}; remove them with rabbitmqctl",
              file=sys.stderr)


@pytest.fixture(scope="session")
def _virtual_hosts() -> Iterator[VirtualHosts]:
    hosts = VirtualHosts(urlsplit(AMQP_URL).username or "guest")
    yield hosts
    if hosts.made:
        hosts.delete_all()


@pytest.fixture
def amqp_url(_virtual_hosts: VirtualHosts) -> str:
    """An unused RabbitMQ virtual host (deleted at the end of the session)."""
    vhost = _virtual_hosts.take()
    return urlunsplit(urlsplit(AMQP_URL)._replace(path="/" + quote(vhost, safe="")))


@pytest.fixture(scope="session")
def dataset() -> Path:
    assert DATASET.is_dir(), f"the shared dataset is missing at {DATASET}"
    return DATASET


@pytest.fixture
def earnest_env(settings: Settings) -> dict[str, str]:
    """Environment for ``earnest`` subprocesses on the same instance as ``settings``."""
    return {
        "EARNEST_HOME": str(settings.home),
        "EARNEST_DATABASE_URL": settings.resolved_database_url(),
        "EARNEST_BROKER_URL": settings.resolved_broker_url(),
    }


@pytest.fixture(scope="session")
def rabbitmqctl() -> list[str]:
    """The command that runs ``rabbitmqctl`` on the test broker."""
    return list(RABBITMQCTL)
