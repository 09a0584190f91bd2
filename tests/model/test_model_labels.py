from pathlib import Path

import pytest

from earnest.model.labels import BANTER, SERIOUS, label_for, labelled_name


def test_every_labelled_subreddit_is_in_the_dataset_with_its_exact_name(dataset: Path) -> None:
    names = {path.stem for path in dataset.glob("*.csv")}
    assert SERIOUS <= names
    assert BANTER <= names


def test_no_subreddit_is_both_serious_and_banter() -> None:
    assert not {n.lower() for n in SERIOUS} & {n.lower() for n in BANTER}


@pytest.mark.parametrize(
    ("name", "label"),
    [("askscience", 1), ("AskScience", 1), ("r/AskHistorians", 1), ("/r/neutralpolitics", 1),
     ("shittyaskscience", 0), ("JOKES", 0), (" circlejerk ", 0),
     ("AskReddit", None), ("tifu", None), ("", None)],
)
def test_label_for_ignores_case_and_an_r_prefix(name: str, label: int | None) -> None:
    assert label_for(name) == label


def test_labelled_name_gives_the_dataset_spelling() -> None:
    assert labelled_name("r/askhistorians") == "AskHistorians"
    assert labelled_name("SHITTYASKSCIENCE") == "shittyaskscience"
    assert labelled_name("pics") is None
