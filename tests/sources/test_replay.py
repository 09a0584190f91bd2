"""Replaying CSV files: real rows parse, malformed rows are rejected with a reason."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tests.sources.csv_files import real_rows, row_text, where, write

from earnest.records import Post
from earnest.sources.base import Rejected
from earnest.sources.csv_rows import COLUMNS
from earnest.sources.replay import ReplaySource
from earnest.sources.timeline import WEEK, Timeline
from earnest.testing import write_slice

NOW = 1_800_000_000.0


def _row(**values: str) -> list[str]:
    base = dict.fromkeys(COLUMNS, "")
    base.update(created_utc="1356613589.0", id="abc", title="A fine title", score="10",
                num_comments="2", over_18="False")
    base.update(values)
    return [base[c] for c in COLUMNS]


def _write(folder: Path, name: str, rows: list[list[str]]) -> None:
    folder.mkdir(exist_ok=True)
    with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)


def test_real_files_parse_with_multiline_fields(dataset: Path, tmp_path: Path) -> None:
    folder = write_slice(dataset, tmp_path / "data", {"askscience": 200, "Jokes": 200})
    records = list(ReplaySource(folder, anchor=NOW).records(0))
    assert len(records) == 400
    assert all(isinstance(r, Post) for r in records)
    assert {r.subreddit for r in records} == {"askscience", "Jokes"}
    assert any("\n" in r.selftext for r in records)
    times = [r.created_utc for r in records]
    assert times == sorted(times)


def test_malformed_rows_are_rejected_with_reasons(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _write(folder, "test", [
        _row(id="ok1"),
        _row(id="t1", created_utc="yesterday"),
        _row(id="t2", title="   "),
        _row(id="t3", score="lots"),
        _row(id="ok2", title="multi\nline, \"quoted\" title"),
        _row(id="t4", created_utc="12"),
    ])
    with open(folder / "test.csv", "ab") as fh:
        fh.write(b'1356613589.0,1,d,enc1,"caf\xe9 \xff",1,0,0,p,,,False,,,False,,,True,n,u,\r\n')
        fh.write(b"1356613589.0,1,d,extra,title,1,0,0,p,,,False,,,False,,,True,n,u,,x,y\r\n")
    records = list(ReplaySource(folder, anchor=NOW).records(0))
    posts = [r for r in records if isinstance(r, Post)]
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [p.id for p in posts] == ["ok1", "ok2"]
    assert posts[1].title == 'multi\nline, "quoted" title'
    reasons = [r.reason for r in rejected]
    assert len(reasons) == 6
    assert "created_utc 'yesterday' is not a number" in reasons[0]
    assert "title is missing" in reasons[1]
    assert "score 'lots' is not a number" in reasons[2]
    assert "not a plausible time" in reasons[3]
    assert "not valid UTF-8" in reasons[4]
    assert "more fields than the header" in reasons[5]
    assert all(r.reason.startswith("test.csv line ") for r in rejected)
    assert "enc1" in rejected[4].raw and "\\xe9" in rejected[4].raw


@pytest.mark.parametrize("timeline", list(Timeline))
def test_timelines(dataset: Path, tmp_path: Path, timeline: Timeline) -> None:
    folder = write_slice(dataset, tmp_path / "data", {"askscience": 300, "funny": 300})
    original = [r.created_utc for r in ReplaySource(folder, anchor=NOW).records(0)]
    mapped = [r.created_utc for r in ReplaySource(folder, timeline=timeline, anchor=NOW)
              .records(0)]
    assert mapped == sorted(mapped)
    if timeline is Timeline.original:
        assert mapped == original
    elif timeline is Timeline.shift:
        assert mapped[-1] == pytest.approx(NOW)
        assert mapped[-1] - mapped[0] == pytest.approx(original[-1] - original[0])
    else:
        assert NOW - WEEK <= mapped[0] < mapped[-1] <= NOW
        assert mapped[-1] == pytest.approx(NOW)


def test_resuming_gives_the_same_records(dataset: Path, tmp_path: Path) -> None:
    folder = write_slice(dataset, tmp_path / "data", {"askscience": 50, "Jokes": 50})
    source = ReplaySource(folder, timeline=Timeline.spread, anchor=NOW)
    everything = list(source.records(0))
    again = ReplaySource(folder, timeline=Timeline.spread, anchor=NOW + 999)
    again.restore(source.checkpoint_state())
    assert list(again.records(60)) == everything[60:]


def test_missing_dataset_says_what_to_do(tmp_path: Path) -> None:
    from earnest.errors import ConfigError

    with pytest.raises(ConfigError, match="--dataset"):
        ReplaySource(tmp_path / "nope", anchor=NOW)


@pytest.mark.parametrize("ordered", [False, True])
def test_the_order_is_deterministic_with_bad_rows(dataset: Path, tmp_path: Path,
                                                  ordered: bool) -> None:
    jokes, science = real_rows(dataset, "Jokes", 6), real_rows(dataset, "askscience", 5)
    stray = row_text("title", '"Broken title', id="stray")
    jokes_pieces = [jokes.header, *jokes.texts[:3], stray, *jokes.texts[3:]]
    write(tmp_path, "Jokes.csv", jokes_pieces)
    write(tmp_path, "a.csv", [science.header, *science.texts[:3]])
    write(tmp_path, "askscience.csv", [science.header, *science.texts])

    def source() -> ReplaySource:
        return ReplaySource(tmp_path, anchor=NOW, ordered=ordered)

    everything = list(source().records(0))
    shown = [r.id if isinstance(r, Post) else r.reason.split(":")[0] for r in everything]
    stray_at = where("Jokes.csv", jokes_pieces, 4)
    if ordered:
        posts = sorted((r for r in everything if isinstance(r, Post)),
                       key=lambda p: (p.created_utc, p.id))
        assert everything[4:] == posts
        assert [s.split(" ")[0] for s in shown[:4]] == ["Jokes.csv", "a.csv", "a.csv", "a.csv"]
        assert shown[0] == stray_at
    else:
        assert [s.split(" ")[0] for s in shown] == [
            *jokes.ids[:3], "Jokes.csv", *jokes.ids[3:], "a.csv", "a.csv", "a.csv",
            *science.ids]
        assert shown[3] == stray_at
    assert list(source().records(0)) == everything
    for start in (1, 4, 9, len(everything) - 1):
        assert list(source().records(start)) == everything[start:]
