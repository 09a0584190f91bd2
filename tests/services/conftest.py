"""Fixtures for services mode: ``earnest`` subprocesses on a fresh database and virtual host.

The restart commands default to the local installations that ``make services`` starts;
``EARNEST_TEST_RESTART_POSTGRES`` and ``EARNEST_TEST_RESTART_RABBITMQ`` override them
(e.g. ``docker restart postgres``). Each must return once the service accepts clients.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

RESTART_POSTGRES = os.environ.get(
    "EARNEST_TEST_RESTART_POSTGRES",
    'pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main restart',
)
RESTART_RABBITMQ = os.environ.get(
    "EARNEST_TEST_RESTART_RABBITMQ",
    "rabbitmqctl -q stop && rabbitmq-server -detached && for _ in $(seq 240); do"
    " rabbitmqctl -q await_startup >/dev/null 2>&1 && break; sleep 0.5; done;"
    " rabbitmqctl -q await_startup",
)


@dataclass
class Services:
    """One test's database and virtual host, and the means to upset them."""

    database_url: str
    broker_url: str
    home: Path

    @property
    def env(self) -> dict[str, str]:
        """Environment for ``earnest`` subprocesses."""
        return {
            "EARNEST_HOME": str(self.home),
            "EARNEST_DATABASE_URL": self.database_url,
            "EARNEST_BROKER_URL": self.broker_url,
            "EARNEST_LOG_LEVEL": "WARNING",
        }

    def query(self, sql: str) -> list[tuple]:
        """Rows of ``sql`` on a fresh connection: the oracle does not use earnest's store."""
        with psycopg.connect(self.database_url, autocommit=True, connect_timeout=5) as conn:
            return conn.execute(sql).fetchall()

    @staticmethod
    def restart(command: str) -> float:
        """Run a restart command; returns how many seconds it took."""
        started = time.monotonic()
        subprocess.run(command, shell=True, check=True, timeout=180, capture_output=True)
        return time.monotonic() - started

    def restart_postgres(self) -> float:
        return self.restart(RESTART_POSTGRES)

    def restart_rabbitmq(self) -> float:
        return self.restart(RESTART_RABBITMQ)


@pytest.fixture
def services(postgres_url: str, amqp_url: str, tmp_path: Path) -> Services:
    return Services(postgres_url, amqp_url, tmp_path / "home")
