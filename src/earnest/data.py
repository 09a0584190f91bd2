"""Stored posts as a pandas DataFrame, for notebooks and analysis.

:func:`posts_frame` reads whichever store the settings name (``EARNEST_DATABASE_URL``,
else SQLite in ``EARNEST_HOME``), the same one every command uses, through the store's
own read (:meth:`earnest.store.base.Store.post_rows`): a notebook holds no SQL.

pandas is an optional dependency (``pip install earnest[notebook]``); it is imported
only when a frame is built.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from earnest.blocking import run_to_end
from earnest.config import Settings
from earnest.runtime import make_store
from earnest.store.base import PostRow

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")

Moment = datetime | float
"""A time: an aware datetime (a pandas Timestamp is one) or seconds since the epoch."""


def posts_frame(
    subreddits: Collection[str] | None = None,
    since: Moment | None = None,
    until: Moment | None = None,
    limit: int | None = None,
    *,
    model: str | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """The stored posts, newest first, one row each, with their seriousness.

    Columns: ``id, subreddit, title, selftext, created_utc`` (a UTC datetime), ``score,
    num_comments, over_18, removed`` (empty while visible; else why it was removed) and
    ``seriousness`` under ``model`` (a version; default the live one), NaN where that
    version has not scored the post. Counts and removal status are those of the post's
    latest revision. Removed posts are included; filter on ``removed`` to drop them.

    ``subreddits`` (names in any case) and creation times ``since`` (included) to
    ``until`` (excluded) filter the posts; ``limit`` keeps the newest. ``settings``
    defaults to the environment, as for every ``earnest`` command.
    """
    pd = _pandas()
    settings = settings or Settings()  # type: ignore[call-arg]  # read from the environment
    rows = run_to_end(_read(settings, model, subreddits, _epoch(since, "since"),
                      _epoch(until, "until"), limit))
    frame = pd.DataFrame.from_records(rows, columns=list(PostRow._fields))
    frame["created_utc"] = pd.to_datetime(frame["created_utc"], unit="s", utc=True)
    return frame.astype({"score": "int64", "num_comments": "int64", "over_18": "bool",
                         "seriousness": "float64"})


async def _read(settings: Settings, model: str | None, subreddits: Collection[str] | None,
                since: float | None, until: float | None, limit: int | None
                ) -> list[PostRow]:
    async with make_store(settings.resolved_database_url()) as store:
        if model is None:
            live = await store.active_model()
            model = live.version if live else None
        return await store.post_rows(model, subreddits, since, until, limit)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise ImportError("earnest.data needs pandas: pip install earnest[notebook]") from exc
    return pandas


def _epoch(moment: Moment | None, name: str) -> float | None:
    if moment is None or isinstance(moment, int | float):
        return moment
    if moment.tzinfo is None:
        raise ValueError(f"{name} {moment} has no time zone: say which, e.g. "
                         "datetime(2013, 1, 1, tzinfo=UTC)")
    return moment.timestamp()

