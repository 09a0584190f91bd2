"""One SQLite database file: a single writer thread, reads on their own connections.

Every write runs as one ``BEGIN IMMEDIATE`` transaction on the writer thread, so
writers never interleave and a failed write leaves nothing behind. Everything of
one file in one process shares that writer: :meth:`SqliteDatabase.open` hands out
one instance per path.

The file is in WAL mode with ``synchronous=NORMAL``: a committed transaction
survives a crash of the process at once, and a crash of the machine once the WAL
reaches the disk. Losing the newest transactions to a power cut is safe because
the embedded runtime keeps the log, the offsets, the tables and the sources'
checkpoints in this one file: the WAL always holds a prefix of the transactions,
so what survives is consistent, and the sources resume from their checkpoints.
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

    _open: dict[Path, SqliteDatabase] = {}
    _open_lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> SqliteDatabase:
        """The process's instance for ``path``; pair every call with :meth:`release`."""
        key = path.resolve()
        with cls._open_lock:
            db = cls._open.get(key)
            if db is None:
                db = cls._open[key] = cls(path)
            db._users += 1
            return db

    def release(self) -> None:
        """Give back an instance from :meth:`open`; the last user closes it."""
        with self._open_lock:
            self._users -= 1
            if self._users > 0:
                return
            self._open.pop(self.path.resolve(), None)
        self.close()

    def __init__(self, path: Path, readers: int = 4) -> None:
        self.path = path
        self._writer_pool = ThreadPoolExecutor(1, thread_name_prefix=f"sqlite-w-{path.name}")
        self._reader_pool = ThreadPoolExecutor(readers, thread_name_prefix=f"sqlite-r-{path.name}")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._users = 0
        self._closing = threading.Event()
        self._checkpointer = threading.Thread(
            target=self._checkpoint_loop, name=f"sqlite-ckpt-{path.name}", daemon=True
        )
        self._checkpointer.start()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA cache_size=-65536")
        # Checkpoints run on their own thread (see _checkpoint_loop), not inside commits.
        conn.execute("PRAGMA wal_autocheckpoint=0")
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

    def _checkpoint_loop(self, interval: float = 1.0) -> None:
        """Copy the WAL into the database file in the background, without blocking writers.

        PASSIVE checkpoints never wait for locks; the WAL restarts from the start once a
        checkpoint has caught up with it, so it stays bounded.
        """
        conn: sqlite3.Connection | None = None
        while not self._closing.wait(interval):
            try:
                conn = conn or self._connect()
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:
                continue  # the next round tries again; the WAL only grows meanwhile

    def close(self) -> None:
        self._closing.set()
        self._checkpointer.join()
        self._writer_pool.shutdown(wait=True)
        self._reader_pool.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
