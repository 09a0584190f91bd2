"""The ``earnest`` command as a user runs it: help, score, train, status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main

from earnest.cli import app
from earnest.model.artifact import SeriousnessModel, default_model_path
from earnest.testing import run_cli, write_slice

COMMANDS = sorted(typer.main.get_command(app).commands)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help(command: str | None) -> None:
    result = run_cli([command, "--help"] if command else ["--help"], {})
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_score_adds_seriousness_to_ndjson(tmp_path: Path) -> None:
    lines = [
        {"id": 1, "title": "How did medieval peasants pay their taxes?",
         "selftext": "I read that they often paid in kind, but how was the amount assessed?"},
        "not json",
        {"id": 3, "title": "My dog ate my homework lol"},
        {"id": 4, "selftext": "no title here"},
        {"id": 5, "title": "Why did the chicken cross the road? To get to the other side",
         "extra": [1, 2]},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    result = run_cli(["score", "--batch-size", "2"], {"EARNEST_HOME": str(tmp_path)}, stdin)
    assert result.returncode == 1  # two lines could not be scored
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, 3, 5]
    assert out[2]["extra"] == [1, 2]
    assert all(0.0 <= o["seriousness"] <= 1.0 for o in out)
    serious, *banter = (o["seriousness"] for o in out)
    assert serious >= max(banter) + 0.4, out
    # Without EARNEST_MODEL_PATH, `earnest score` uses the model shipped in the package.
    packaged = SeriousnessModel.load(default_model_path()).version
    assert {o["model_version"] for o in out} == {packaged}
    assert "line 2" in result.stderr and "line 4" in result.stderr


def test_train_from_the_database_reports_held_out_auc(dataset: Path, tmp_path: Path) -> None:
    folder = write_slice(dataset, tmp_path / "data", {
        "askscience": 300, "AskHistorians": 300, "NeutralPolitics": 300,
        "shittyaskscience": 300, "Jokes": 300, "circlejerk": 300})
    env = {"EARNEST_HOME": str(tmp_path / "home")}
    assert run_cli(["replay", str(folder)], env).returncode == 0
    stored = run_cli(["worker", "store-posts", "--until-idle"], env)
    assert stored.returncode == 0, stored.stderr
    output = tmp_path / "model.skops"
    trained = run_cli(["train", "--output", str(output),
                       "--held-out", "NeutralPolitics,circlejerk"], env)
    assert trained.returncode == 0, trained.stderr
    assert "ROC AUC" in trained.stderr
    model = SeriousnessModel.load(output)
    assert model.metrics["held_out_roc_auc"] > 0.7
    assert model.version != SeriousnessModel.load(default_model_path()).version
    serious, banter = model.score(["How did medieval peasants pay their taxes?",
                                   "What do you call a fish with no eyes? A fsh"], ["", ""])
    assert 0.0 <= banter <= 1.0 and 0.0 <= serious <= 1.0
    assert serious >= banter + 0.5, (serious, banter)


def test_train_on_an_empty_database_says_what_to_do(tmp_path: Path) -> None:
    result = run_cli(["train"], {"EARNEST_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert "replay the dataset" in result.stderr


def test_status_on_a_fresh_home(tmp_path: Path) -> None:
    result = run_cli(["status"], {"EARNEST_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "dead letters" in result.stdout and "lag store-posts" in result.stdout


def test_replay_the_bundled_sample(tmp_path: Path) -> None:
    env = {"EARNEST_HOME": str(tmp_path / "home")}
    result = run_cli(["replay", "--sample", "--limit", "500", "--timeline", "spread"], env)
    assert result.returncode == 0, result.stderr
    assert "500 posts published, 0 rejected" in result.stderr
    again = run_cli(["replay", "--sample", "--limit", "500", "--timeline", "spread"], env)
    assert "nothing left to replay" in again.stderr


def test_a_dataset_and_the_sample_exclude_each_other(tmp_path: Path) -> None:
    result = run_cli(["replay", str(tmp_path), "--sample"], {"EARNEST_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.startswith("error: --sample replays the bundled sample, not ")
