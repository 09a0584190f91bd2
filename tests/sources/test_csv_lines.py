"""Reading rows: over-long fields, unreadable rows and stray quotes cost one row, not a file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from tests.sources.csv_files import (
    csv_text,
    line_of,
    real_rows,
    replay,
    row,
    row_text,
    write,
)

from earnest.sources import csv_lines
from earnest.sources.csv_rows import COLUMNS


@pytest.fixture(scope="module")
def jokes(dataset: Path):
    rows = real_rows(dataset, "Jokes", 30)
    assert any("\n" in text.rstrip("\r\n") for text in rows.texts), "want multi-line rows"
    return rows


def test_real_multiline_rows_parse_as_the_csv_module_parses_them(jokes, tmp_path) -> None:
    write(tmp_path, "Jokes.csv", [jokes.header, *jokes.texts])
    posts, rejected = replay(tmp_path)
    assert rejected == []
    assert [p.id for p in posts] == jokes.ids
    selftext, title = COLUMNS.index("selftext"), COLUMNS.index("title")
    assert [(p.title, p.selftext) for p in posts] == [(v[title], v[selftext])
                                                      for v in jokes.values]


def test_a_field_over_the_csv_modules_default_limit_is_one_rejection(jokes, tmp_path) -> None:
    huge = csv_text(row(id="huge", selftext="x" * 200_000))
    pieces = [jokes.header, *jokes.texts[:10], huge, *jokes.texts[10:]]
    write(tmp_path, "Jokes.csv", pieces)
    for _ in range(2):  # a rerun reads past the row too
        posts, rejected = replay(tmp_path)
        assert [p.id for p in posts] == jokes.ids
        assert [r.reason for r in rejected] == [
            f"Jokes.csv line {line_of(pieces, 11)}: selftext has 200,000 characters; "
            "at most 100,000 are kept"]


def test_any_other_csv_error_rejects_the_row_and_reading_goes_on(
    jokes, tmp_path, monkeypatch
) -> None:
    # The only csv.Error a file opened with newline="" can raise: a field over the limit.
    monkeypatch.setattr(csv_lines, "FIELD_SIZE_LIMIT", 50_000)  # real fields are < 40,000
    bad = csv_text(row(id="wide", title="t" * 60_000))
    pieces = [jokes.header, *jokes.texts[:5], bad, *jokes.texts[5:]]
    write(tmp_path, "Jokes.csv", pieces)
    posts, rejected = replay(tmp_path)
    assert [p.id for p in posts] == jokes.ids
    assert [r.reason for r in rejected] == [
        f"Jokes.csv line {line_of(pieces, 6)}: not readable as CSV: "
        "field larger than field limit (50000)"]
    assert rejected[0].raw.startswith("1356613589.0,10,,wide,ttt")


def test_a_stray_quote_costs_its_own_line_only(jokes, tmp_path) -> None:
    stray = row_text("title", '"Broken title', id="stray")
    pieces = [jokes.header, *jokes.texts[:8], stray, *jokes.texts[8:]]
    write(tmp_path, "Jokes.csv", pieces)
    read_alone = list(csv.reader(io.StringIO("".join(pieces[9:]), newline="")))
    assert len(read_alone[0]) != len(COLUMNS), "the stdlib reader folds the rows after it"

    posts, rejected = replay(tmp_path)
    assert [p.id for p in posts] == jokes.ids
    assert len(rejected) == 1
    assert rejected[0].reason.startswith(
        f"Jokes.csv line {line_of(pieces, 9)}: unbalanced quote: a field opened with '\"' "
        "ran on over ")
    assert rejected[0].raw == stray.removesuffix("\r\n")


def test_a_stray_quote_that_folds_rows_into_the_right_width_is_caught(jokes, tmp_path) -> None:
    # The stray quote in A's title closes at the quote opening B's title, so the folded
    # row has as many fields as the header: its later lines start as rows do.
    stray = row_text("title", '"Broken title', id="stray")
    unquoted = [i for i, text in enumerate(jokes.texts) if '"' not in text]
    between = jokes.texts[unquoted[0]]
    closing = row_text("title", '"Hello world"', id="closer")
    pieces = [jokes.header, *jokes.texts[:3], stray, between, closing, *jokes.texts[3:]]
    write(tmp_path, "Jokes.csv", pieces)
    read_alone = list(csv.reader(io.StringIO("".join(pieces[4:]), newline="")))
    assert len(read_alone[0]) == len(COLUMNS), "the stdlib reader folds into a full row"
    assert read_alone[0][3] == "stray" and read_alone[1][3] != "closer"

    posts, rejected = replay(tmp_path)
    assert [p.id for p in posts] == [
        *jokes.ids[:3], jokes.ids[unquoted[0]], "closer", *jokes.ids[3:]]
    assert [(r.reason.split(": ")[:2], r.raw) for r in rejected] == [
        ([f"Jokes.csv line {line_of(pieces, 4)}", "unbalanced quote"],
         stray.removesuffix("\r\n"))]


def test_an_unclosed_multiline_field_rejects_each_of_its_lines(jokes, tmp_path) -> None:
    unclosed = row_text("selftext", '"First paragraph\n\nsecond paragraph', id="open")
    pieces = [jokes.header, *jokes.texts[:8], unclosed, *jokes.texts[8:]]
    write(tmp_path, "Jokes.csv", pieces)
    first = line_of(pieces, 9)

    posts, rejected = replay(tmp_path)
    assert [p.id for p in posts] == jokes.ids
    assert [r.reason.split(": ")[:2] for r in rejected] == [
        [f"Jokes.csv line {first}", "unbalanced quote"],
        [f"Jokes.csv line {first + 2}", "row has fewer fields than the header (12, not 21)"],
    ]  # the blank line between them is no row


def test_an_unclosed_quote_on_the_last_line(jokes, tmp_path) -> None:
    stray = row_text("title", '"Broken title', id="stray")
    pieces = [jokes.header, *jokes.texts[:5], stray]
    write(tmp_path, "Jokes.csv", pieces)
    posts, rejected = replay(tmp_path)
    assert [p.id for p in posts] == jokes.ids[:5]
    assert [r.reason for r in rejected] == [
        f"Jokes.csv line {line_of(pieces, 6)}: row has fewer fields than the header (5, not 21)"]


def test_several_stray_quotes_in_a_row_of_rows(jokes, tmp_path) -> None:
    strays = [row_text("title", f'"Broken {i}', id=f"stray{i}") for i in range(3)]
    pieces = [jokes.header, jokes.texts[0], *strays, *jokes.texts[1:]]
    write(tmp_path, "Jokes.csv", pieces)
    posts, rejected = replay(tmp_path)
    assert [p.id for p in posts] == jokes.ids
    assert [(r.reason.split(": ")[:2], r.raw) for r in rejected] == [
        ([f"Jokes.csv line {line_of(pieces, 2 + i)}", "unbalanced quote"],
         strays[i].removesuffix("\r\n")) for i in range(3)]


def test_blank_lines_are_no_rows_but_count_as_lines(jokes, tmp_path) -> None:
    stray = row_text("title", '"Broken title', id="stray")
    pieces = ["\r\n", jokes.header, *jokes.texts[:4], "\r\n\r\n", stray, *jokes.texts[4:]]
    write(tmp_path, "Jokes.csv", pieces)
    posts, rejected = replay(tmp_path)
    assert [p.id for p in posts] == jokes.ids
    assert [r.reason.split(": ")[:2] for r in rejected] == [
        [f"Jokes.csv line {line_of(pieces, 7)}", "unbalanced quote"]]
