"""The notebooks run top to bottom against a small stored dataset, and are kept without
outputs in git.

The database is built as a user builds one: real posts replayed and run through the
pipeline (store, score) until idle; the notebook's kernel then finds it through the same
``EARNEST_*`` variables as every command.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from earnest.run import ReplayOptions, start_replay
from earnest.runtime import connect
from earnest.testing import run_cli, run_until_idle, write_slice

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SERIOUSNESS = NOTEBOOKS[0].parent / "seriousness.ipynb"

# Held out by the notebook (earnest train's set): two serious, two banter subreddits;
# trained on: four of each. Enough to learn something, small enough to take seconds.
SUBREDDITS = {name: 60 for name in (
    "askscience", "AskHistorians", "shittyaskscience", "Jokes",
    "science", "history", "Economics", "law", "funny", "humor", "AdviceAnimals", "Punny")}


def _store_posts(settings, folder: Path) -> None:
    async def replay() -> None:
        async with connect(settings) as (bus, store):
            await (await start_replay(ReplayOptions(folder), bus, store, settings,
                                      asyncio.Event()))

    asyncio.run(replay())
    asyncio.run(run_until_idle(settings))


def test_the_seriousness_notebook_runs_and_registers_a_model(
    settings, earnest_env, dataset, tmp_path, monkeypatch
) -> None:
    _store_posts(settings, write_slice(dataset, tmp_path / "data", SUBREDDITS))
    for name, value in {**earnest_env, "JUPYTER_PLATFORM_DIRS": "1"}.items():
        monkeypatch.setenv(name, value)  # the kernel inherits them
    notebook = nbformat.read(SERIOUSNESS, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()  # raises CellExecutionError, naming the cell, if one fails
    finally:
        nbformat.write(notebook, tmp_path / SERIOUSNESS.name)  # to read after a failure

    listed = run_cli(["models", "list"], {**earnest_env, "COLUMNS": "250"})  # one line a row
    assert listed.returncode == 0, listed.stderr
    assert "notebook-tfidf-logreg" in listed.stdout
    (mine,) = [m for m in asyncio.run(_models(settings))
               if m.card and m.card["name"] == "notebook-tfidf-logreg"]
    assert (mine.state, mine.card["kind"], mine.card["input"]) == ("registered", "sklearn", "text")
    assert mine.card["training"]["posts"] == sum(SUBREDDITS.values())
    held_out = mine.card["metrics"]
    assert held_out["held_out_subreddits"] == sorted(
        ["AskHistorians", "Jokes", "askscience", "shittyaskscience"])
    assert held_out["held_out_posts"] == 240
    assert 0.5 < held_out["held_out_roc_auc"] <= 1.0  # better than chance on unseen subreddits


async def _models(settings):
    async with connect(settings) as (_, store):
        return await store.models()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_are_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    dirty = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
             and (cell.outputs or cell.execution_count is not None)]
    assert not dirty, f"{path.name}: cells {dirty} hold outputs; run make strip-notebooks"


def test_make_strip_notebooks_removes_outputs_and_keeps_the_source(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("strip_notebooks",
                                                  ROOT / "scripts/strip_notebooks.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    path = tmp_path / "run.ipynb"
    notebook = nbformat.read(SERIOUSNESS, as_version=4)
    cell = notebook.cells[1]
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="store: x\n")]
    nbformat.write(notebook, path)
    assert script.strip(path) is True
    stripped = nbformat.read(path, as_version=4)
    assert (stripped.cells[1].outputs, stripped.cells[1].execution_count) == ([], None)
    assert [c.source for c in stripped.cells] == [c.source for c in notebook.cells]
    assert script.strip(path) is False
