"""Small CSV files for source tests: real rows of the dataset with bad rows among them."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from earnest.records import Post
from earnest.sources.base import Rejected
from earnest.sources.csv_rows import COLUMNS
from earnest.sources.replay import ReplaySource

NOW = 1_800_000_000.0


@dataclass(frozen=True)
class RealRows:
    """The first rows of a dataset file, as the stdlib csv module reads them."""

    header: str
    values: list[list[str]]

    @property
    def texts(self) -> list[str]:
        """Each row as CSV text ending in CRLF; rows with line breaks span several lines."""
        return [csv_text(v) for v in self.values]

    @property
    def ids(self) -> list[str]:
        return [v[COLUMNS.index("id")] for v in self.values]


def real_rows(dataset: Path, name: str, count: int) -> RealRows:
    with open(dataset / f"{name}.csv", newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        assert header == COLUMNS
        return RealRows(csv_text(header), list(itertools.islice(reader, count)))


def csv_text(values: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(values)
    return out.getvalue()


def row(**values: str) -> list[str]:
    """A valid row of the dataset's format, with ``values`` changed."""
    base = dict.fromkeys(COLUMNS, "")
    base.update(created_utc="1356613589.0", id="abc", title="A fine title", score="10",
                num_comments="2", over_18="False")
    base.update(values)
    return [base[c] for c in COLUMNS]


def row_text(placeholder_field: str, replacement: str, **values: str) -> str:
    """A row whose ``placeholder_field`` is written as ``replacement`` verbatim, unquoted
    (how a stray quote gets into a file)."""
    return csv_text(row(**{placeholder_field: "PLACEHOLDER", **values})).replace(
        "PLACEHOLDER", replacement)


def write(folder: Path, name: str, pieces: Sequence[str | bytes]) -> Path:
    """A CSV file of ``pieces`` written one after the other."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"".join(p if isinstance(p, bytes) else p.encode() for p in pieces))
    return path


def line_of(pieces: Sequence[str | bytes], index: int) -> int:
    """The physical line (1-based) ``pieces[index]`` starts on."""
    before = b"".join(p if isinstance(p, bytes) else p.encode() for p in pieces[:index])
    return 1 + len(re.findall(rb"\r\n|\r|\n", before))


def where(file: str, pieces: Sequence[str | bytes], index: int) -> str:
    """How a rejection names the lines ``pieces[index]`` spans."""
    first, last = line_of(pieces, index), line_of(pieces, index + 1) - 1
    return f"{file} line {first}" if first == last else f"{file} lines {first}-{last}"


def replay(folder: Path, ordered: bool = False) -> tuple[list[Post], list[Rejected]]:
    records = list(ReplaySource(folder, anchor=NOW, ordered=ordered).records(0))
    posts = [r for r in records if isinstance(r, Post)]
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert len(posts) + len(rejected) == len(records)
    return posts, rejected
