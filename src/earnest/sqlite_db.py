"""One SQLite database file: a single writer thread, reads on their own connections.

Every write runs as one ``BEGIN IMMEDIATE`` transaction on the writer thread, so
writers never interleave and a failed write leaves nothing behind. The file is in
WAL mode with ``synchronous=FULL``: a committed transaction survives a crash of
the process or of the machine, which the bus's offsets and the store's rows both
rely on, since they live in different files.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from earnest.errors import BackendError, ConfigError

T = TypeVar("T")


def path_from_url(url: str) -> Path:
    """``sqlite:///relative/file.db`` or ``sqlite:////absolute/file.db`` to a path."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ConfigError(f"not a SQLite URL: {url!r}; expected sqlite:///path/to/file.db")
    return Path(url[len(prefix) :])


class SqliteDatabase:
    """A SQLite file shared by the coroutines of one process."""

    def __init__(self, path: Path, readers: int = 4) -> None:
        self.path = path
        self._writer_pool = ThreadPoolExecutor(1, thread_name_prefix=f"sqlite-w-{path.name}")
        self._reader_pool = ThreadPoolExecutor(readers, thread_name_prefix=f"sqlite-r-{path.name}")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA cache_size=-65536")
        with self._lock:
            self._connections.append(conn)
        return conn

    def _thread_connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def _run_write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._thread_connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result
        except sqlite3.Error as exc:
            raise BackendError(f"SQLite write to {self.path} failed: {exc}") from exc

    def _run_read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        try:
            return fn(self._thread_connection())
        except sqlite3.Error as exc:
            raise BackendError(f"SQLite read from {self.path} failed: {exc}") from exc

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` in one write transaction; it commits when ``fn`` returns."""
        return await asyncio.get_running_loop().run_in_executor(
            self._writer_pool, self._run_write, fn
        )

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` on a reader connection (a consistent WAL snapshot per statement)."""
        return await asyncio.get_running_loop().run_in_executor(
            self._reader_pool, self._run_read, fn
        )

    def write_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """The blocking form of :meth:`write`, for start-up work such as migrations."""
        return self._writer_pool.submit(self._run_write, fn).result()

    def close(self) -> None:
        self._writer_pool.shutdown(wait=True)
        self._reader_pool.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
