"""How a publishing command (``import``, ``replay``) shows its progress.

On a terminal, a live bar: the file being read, bytes read of all the files' total (as
stored: compressed bytes for a compressed file), posts published and posts/s, and the
time left at the current rate of reading. Anywhere else (a log file, a pipe, CI), a plain
line every ``every`` seconds, so that logs stay readable and small.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from earnest.pipeline.ingest import IngestProgress
from earnest.sources.base import ReadProgress

ReadState = Callable[[], ReadProgress | None]


class PublishDisplay:
    """Called after each published batch (``on_batch``); a context manager around the job.

    ``read`` says how far the source has read (``Source.progress``); a source that cannot
    say gets a bar without bytes or time left, named ``what``. ``report`` writes one
    plain line (used when ``console`` is not a terminal).
    """

    def __init__(self, console: Console, read: ReadState, report: Callable[[str], None],
                 what: str = "", every: float = 2.0) -> None:
        self.console, self.read, self.report = console, read, report
        self.what, self.every = what, every
        self.started = self.last = time.monotonic()
        self.bar: Progress | None = None
        self.task = TaskID(0)

    def __enter__(self) -> PublishDisplay:
        self.started = self.last = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, progress: IngestProgress) -> None:
        now = time.monotonic()
        rate = progress.published / max(now - self.started, 1e-9)
        read = self.read()
        if self.console.is_terminal:
            bar = self.bar or self._start(read)
            bar.update(self.task, description=read.file if read else self.what,
                       completed=read.done if read else 0, total=read.total if read else None,
                       posts=progress.published, rate=rate)
        elif now - self.last >= self.every:
            self.last = now
            self.report(f"{progress.published:,} posts published, {progress.rejected:,} "
                        f"rejected ({rate:,.0f} posts/s)" + (_bytes(read) if read else ""))

    def _start(self, read: ReadProgress | None) -> Progress:
        posts = TextColumn("{task.fields[posts]:>12,} posts {task.fields[rate]:>8,.0f}/s")
        if read is None:
            columns: list[ProgressColumn] = [TextColumn("{task.description}"), BarColumn(),
                                             posts]
        else:
            columns = [TextColumn("{task.description}"), BarColumn(), DownloadColumn(), posts,
                       TimeRemainingColumn()]
        self.bar = Progress(*columns, console=self.console)
        self.task = self.bar.add_task(self.what, total=None, posts=0, rate=0.0)
        self.bar.start()
        return self.bar


def _bytes(read: ReadProgress) -> str:
    done = f"{read.done / 1e6:,.1f}"
    if read.total is None:
        return f"; {done} MB of {read.file} read"
    share = read.done / read.total if read.total else 1.0
    return f"; {done} of {read.total / 1e6:,.1f} MB read ({share:.0%}), reading {read.file}"
