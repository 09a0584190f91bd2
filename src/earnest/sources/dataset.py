"""The files of a dataset folder, and the subreddit each one's rows are posts of."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from earnest.errors import ConfigError
from earnest.records import InvalidRecord, Post, canonical_subreddit
from earnest.sources.base import Rejected
from earnest.sources.csv_rows import read_file, reject_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubredditFile:
    """One ``<Subreddit>.csv`` file: ``subreddit`` is the canonical name of its posts;
    ``problem`` says why none of its rows can be posts ("" when they can); ``label`` is
    its file name as text that can be stored (for reasons)."""

    path: Path
    label: str
    subreddit: str
    problem: str = ""

    def records(self) -> Iterator[Post | Rejected]:
        """A post or a ``Rejected`` for every row, in file order."""
        if self.problem:
            return reject_file(self.path, self.label, self.problem)
        return read_file(self.path, self.subreddit, self.label)


def dataset_files(folder: Path) -> list[SubredditFile]:
    """The ``<Subreddit>.csv`` files of ``folder``, in sorted order."""
    if not folder.is_dir():
        raise ConfigError(
            f"dataset folder {folder} does not exist; pass --dataset or set EARNEST_DATASET "
            "to a folder of <Subreddit>.csv files"
        )
    paths = sorted(p for p in folder.glob("*.csv") if p.is_file())
    if not paths:
        raise ConfigError(f"no .csv files in {folder}; expected <Subreddit>.csv files")
    return subreddit_files(paths)


def subreddit_files(paths: list[Path]) -> list[SubredditFile]:
    """``paths`` in sorted order, each with its subreddit's canonical name (the API's rule).

    Names that differ only in case are one subreddit (as in the API): its posts from
    every such file get the name of the first file, and a warning says so.
    """
    files: list[SubredditFile] = []
    first_of: dict[str, SubredditFile] = {}
    for path in sorted(paths):
        label = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        try:
            name = canonical_subreddit(path.stem)
        except InvalidRecord as exc:
            files.append(SubredditFile(path, label, "", f"the file name is not a subreddit: {exc}"))
            continue
        first = first_of.setdefault(name.lower(), SubredditFile(path, label, name))
        if first.path != path:
            log.warning("%s and %s name the same subreddit: the posts of both are published "
                        "as %s", first.label, label, first.subreddit)
        files.append(SubredditFile(path, label, first.subreddit))
    return files
