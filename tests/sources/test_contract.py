"""Every post leaving the replay passes the data contract; every other row is one rejection."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.sources.csv_files import csv_text, line_of, real_rows, replay, row, write

from earnest.records import check_post

BAD_ROWS = {
    "nul": (row(id="nul", title="tab\x00le"), "title contains a NUL character"),
    "long title": (row(id="lt", title="t" * 1_001),
                   "title has 1,001 characters; at most 1,000 are kept"),
    "long url": (row(id="lu", url="u" * 10_001),
                 "url has 10,001 characters; at most 10,000 are kept"),
    "long permalink": (row(id="lp", permalink="p" * 1_001),
                       "permalink has 1,001 characters; at most 1,000 are kept"),
    "id with dash": (row(id="bad-id!"),
                     "post id 'bad-id!' is invalid: use 1-40 letters, digits or '_'"),
    "id of 41": (row(id="a" * 41), f"post id '{'a' * 41}' is invalid: use 1-40 letters, "
                                   "digits or '_'"),
    "no id": (row(id=" "), "id is missing"),
    "blank title": (row(id="bt", title="   "), "title is missing"),
    "score 1e30": (row(id="s1", score="1e30"), "score '1e30' does not fit in 64 bits"),
    "comments 2**63": (row(id="s2", num_comments=str(2**63)),
                       f"num_comments {2**63} does not fit in 64 bits"),
    "score 3.5": (row(id="s3", score="3.5"), "score '3.5' is not a whole number"),
    "score nan": (row(id="s4", score="nan"), "score 'nan' is not a whole number"),
    "score lots": (row(id="s5", score="lots"), "score 'lots' is not a number"),
    "created 12": (row(id="c1", created_utc="12"), "created_utc 12.0 is not a plausible time"),
    "created 1e30": (row(id="c2", created_utc="1e30"),
                     "created_utc 1e+30 is not a plausible time"),
    "created nan": (row(id="c3", created_utc="nan"), "created_utc nan is not a plausible time"),
    "created text": (row(id="c4", created_utc="yesterday"),
                     "created_utc 'yesterday' is not a number of seconds"),
    "extra fields": ([*row(id="x"), "more", "again"],
                     "row has more fields than the header (23, not 21)"),
}


@pytest.fixture(scope="module")
def rows(dataset: Path):
    return real_rows(dataset, "askscience", 12)


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_row_breaking_the_contract_is_one_rejection_with_the_reason(
    rows, tmp_path, case
) -> None:
    values, reason = BAD_ROWS[case]
    pieces = [rows.header, *rows.texts[:6], csv_text(values), *rows.texts[6:]]
    write(tmp_path, "askscience.csv", pieces)
    posts, rejected = replay(tmp_path)
    assert [p.id for p in posts] == rows.ids
    assert [r.reason for r in rejected] == [f"askscience.csv line {line_of(pieces, 7)}: {reason}"]
    assert rejected[0].raw == csv_text(values).removesuffix("\r\n")


def test_bytes_that_are_not_utf8_are_rejected_and_shown_escaped(rows, tmp_path) -> None:
    bad = csv_text(row(id="enc", selftext="PLACEHOLDER")).encode().replace(
        b"PLACEHOLDER", b"caf\xe9 \xff")
    pieces = [rows.header, *rows.texts[:3], bad, *rows.texts[3:]]
    write(tmp_path, "askscience.csv", pieces)
    posts, rejected = replay(tmp_path)
    assert [p.id for p in posts] == rows.ids
    assert [r.reason for r in rejected] == [
        f"askscience.csv line {line_of(pieces, 4)}: selftext is not valid UTF-8"]
    assert "enc" in rejected[0].raw and "caf\\xe9 \\xff" in rejected[0].raw


def test_integer_fields_are_read_exactly(rows, tmp_path) -> None:
    good = [row(id="i1", score="12", num_comments="0"),
            row(id="i2", score="12.0", num_comments="-3"),
            row(id="i3", score="", num_comments=str(2**63 - 1)),
            row(id="i4", score="4.2e3", num_comments="1E2")]
    write(tmp_path, "askscience.csv", [rows.header, *rows.texts, *map(csv_text, good)])
    posts, rejected = replay(tmp_path)
    assert rejected == []
    assert [(p.id, p.score, p.num_comments) for p in posts[-4:]] == [
        ("i1", 12, 0), ("i2", 12, -3), ("i3", 0, 2**63 - 1), ("i4", 4200, 100)]


def test_every_post_passes_the_contract(rows, tmp_path) -> None:
    write(tmp_path, "askscience.csv", [rows.header, *rows.texts])
    posts, _ = replay(tmp_path)
    assert [p.id for p in posts] == rows.ids
    for post in posts:
        check_post(post)
