"""One SQLite database file: a single writer thread, reads on their own connections.

Every write runs on the writer thread, inside a ``BEGIN IMMEDIATE`` transaction and
a savepoint of its own, so writers never interleave and a failed write leaves
nothing behind. Writes that queue up while one commits are committed together
(group commit): each still succeeds or fails alone, and its caller hears of it
only once the transaction holding it has committed. Under load this turns many
small commits, each writing its dirty pages to the WAL, into a few larger ones.
Everything of one file in one process shares that writer: open one instance per
file and hand it to every user (the composition root, :mod:`earnest.runtime`, does),
and close it once, after them.

The file is in WAL mode with ``synchronous=NORMAL``: a committed transaction
survives a crash of the process at once, and a crash of the machine once the WAL
reaches the disk. Losing the newest transactions to a power cut is safe because
the embedded runtime keeps the log, the offsets, the tables and the sources'
checkpoints in this one file: the WAL always holds a prefix of the transactions,
so what survives is consistent, and the sources resume from their checkpoints.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from earnest.errors import BackendError, ConfigError, DataRejected

T = TypeVar("T")

# Writes committed together at most; bounds how long the first of them waits.
GROUP_COMMIT_MAX = 64


def path_from_url(url: str) -> Path:
    """``sqlite:///relative/file.db`` or ``sqlite:////absolute/file.db`` to a path."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ConfigError(f"not a SQLite URL: {url!r}; expected sqlite:///path/to/file.db")
    return Path(url[len(prefix) :])


class SqliteDatabase:
    """A SQLite file shared by the coroutines of one process; :meth:`close` it once."""

    def __init__(self, path: Path, readers: int = 4) -> None:
        self.path = path
        self._writes: queue.SimpleQueue[tuple[Callable[[sqlite3.Connection], Any], Future]
                                        | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_loop, name=f"sqlite-w-{path.name}",
                                        daemon=True)
        self._writer.start()
        self._reader_pool = ThreadPoolExecutor(readers, thread_name_prefix=f"sqlite-r-{path.name}")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
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
        conn.execute("PRAGMA temp_store=MEMORY")
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

    def _write_loop(self) -> None:
        while (first := self._writes.get()) is not None:
            group = [first]
            while len(group) < GROUP_COMMIT_MAX:
                try:
                    item = self._writes.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._writes.put(None)  # finish this group, then stop
                    break
                group.append(item)
            self._commit_group(group)

    def _commit_group(self, group: list[tuple[Callable[[sqlite3.Connection], Any], Future]]
                      ) -> None:
        outcomes: list[tuple[Future, bool, Any]] = []
        try:
            conn = self._thread_connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                for fn, future in group:
                    outcomes.append((future, *self._run_savepoint(conn, fn)))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            error = self._write_error(exc)
            for _, future in group:
                future.set_exception(error)
            return
        for future, ok, value in outcomes:
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def _run_savepoint(self, conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], Any]
                       ) -> tuple[bool, Any]:
        """Run one write in a savepoint: (True, result), or (False, error) with it undone."""
        conn.execute("SAVEPOINT write")
        try:
            result = fn(conn)
        except Exception as exc:  # handed to the write's caller
            conn.execute("ROLLBACK TO write")
            conn.execute("RELEASE write")
            return False, self._write_error(exc) if isinstance(exc, sqlite3.Error) else exc
        conn.execute("RELEASE write")
        return True, result

    def _write_error(self, exc: sqlite3.Error) -> BackendError:
        # A constraint or a value SQLite cannot hold fails the same way every time.
        refused = isinstance(exc, sqlite3.IntegrityError | sqlite3.DataError)
        kind = DataRejected if refused else BackendError
        error = kind(f"SQLite write to {self.path} failed: {exc}")
        error.__cause__ = exc
        return error

    def submit(self, fn: Callable[[sqlite3.Connection], T]) -> Future[T]:
        """Queue ``fn`` like :meth:`write`; the future resolves once it committed."""
        future: Future[T] = Future()
        self._writes.put((fn, future))
        return future

    def _run_read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        try:
            return fn(self._thread_connection())
        except sqlite3.Error as exc:
            raise BackendError(f"SQLite read from {self.path} failed: {exc}") from exc

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` atomically; returns once the transaction holding it committed."""
        return await asyncio.wrap_future(self.submit(fn))

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` on a reader connection (a consistent WAL snapshot per statement)."""
        return await asyncio.get_running_loop().run_in_executor(
            self._reader_pool, self._run_read, fn
        )

    def write_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """The blocking form of :meth:`write`, for start-up work such as migrations."""
        return self.submit(fn).result()

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
        """Finish the writes queued so far, then close every connection and thread."""
        self._closing.set()
        self._checkpointer.join()
        self._writes.put(None)
        self._writer.join()
        self._reader_pool.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
