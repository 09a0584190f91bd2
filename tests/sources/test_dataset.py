"""File names are subreddit names: canonical, case-insensitive, and never trusted."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from tests.sources.csv_files import csv_text, real_rows, replay, row, where, write

from earnest.records import SUBREDDIT_RULE


@pytest.fixture(scope="module")
def jokes(dataset: Path):
    rows = real_rows(dataset, "Jokes", 8)
    assert any("\n" in text.rstrip("\r\n") for text in rows.texts), "want multi-line rows"
    return rows


@pytest.mark.parametrize("stem", ["a", "x" * 38, "Straße", "..%2f..%2fetc", "_jokes"])
def test_a_file_not_named_as_a_subreddit_rejects_every_row(jokes, tmp_path, stem) -> None:
    pieces = [jokes.header, *jokes.texts]
    write(tmp_path, f"{stem}.csv", pieces)
    write(tmp_path, "Jokes.csv", pieces)
    posts, rejected = replay(tmp_path)
    assert [(p.subreddit, p.id) for p in posts] == [("Jokes", i) for i in jokes.ids]
    shown = stem if len(stem) <= 60 else stem[:57] + "..."
    assert [r.reason for r in rejected] == [
        f"{where(f'{stem}.csv', pieces, i)}: the file name is not a subreddit: "
        f"subreddit name {shown!r} is invalid: use {SUBREDDIT_RULE}"
        for i in range(1, len(pieces))]
    assert [r.raw for r in rejected] == [text.removesuffix("\r\n") for text in jokes.texts]


def test_a_file_name_that_is_not_utf8_is_shown_escaped(jokes, tmp_path) -> None:
    write(tmp_path, "Jokes.csv", [jokes.header, *jokes.texts[:2]])
    (tmp_path / os.fsdecode(b"\xff.csv")).write_text(jokes.header + csv_text(row()))
    posts, rejected = replay(tmp_path)
    assert [p.id for p in posts] == jokes.ids[:2]
    assert len(rejected) == 1
    assert rejected[0].reason.startswith("\\xff.csv line 2: the file name is not a subreddit")
    rejected[0].reason.encode("utf-8")  # storable


def test_names_that_differ_in_case_are_one_subreddit(jokes, tmp_path, caplog) -> None:
    write(tmp_path, "Jokes.csv", [jokes.header, *jokes.texts[:5]])
    write(tmp_path, "jokes.csv", [jokes.header, *jokes.texts[3:]])
    with caplog.at_level(logging.WARNING):
        posts, rejected = replay(tmp_path)
    assert rejected == []
    # Every row is published; the ids both files hold are left to the duplicate rule.
    assert [(p.subreddit, p.id) for p in posts] == [
        ("Jokes", i) for i in [*jokes.ids[:5], *jokes.ids[3:]]]
    assert [r.getMessage() for r in caplog.records] == [
        "Jokes.csv and jokes.csv name the same subreddit: the posts of both are published "
        "as Jokes"]


def test_legacy_and_user_subreddits_keep_their_names(jokes, tmp_path) -> None:
    write(tmp_path, "reddit.com.csv", [jokes.header, jokes.texts[0]])
    write(tmp_path, "u_someone.csv", [jokes.header, jokes.texts[1]])
    posts, rejected = replay(tmp_path)
    assert rejected == []
    assert sorted((p.subreddit, p.id) for p in posts) == [
        ("reddit.com", jokes.ids[0]), ("u_someone", jokes.ids[1])]


def test_a_header_without_the_needed_columns_rejects_every_row(jokes, tmp_path) -> None:
    header = jokes.header.replace("created_utc", "created")
    pieces = [header, *jokes.texts[:3]]
    write(tmp_path, "Jokes.csv", pieces)
    posts, rejected = replay(tmp_path)
    assert posts == []
    assert [r.reason for r in rejected] == [
        f"{where('Jokes.csv', pieces, i)}: header lacks the columns created_utc; "
        "no row can be read" for i in range(1, 4)]
