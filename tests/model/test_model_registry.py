"""Bring your own model: register earnest's model and a scikit-learn pipeline, list them,
and refuse what must not be registered, leaving the registry as it was."""

from __future__ import annotations

import asyncio
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer

import earnest.models
from earnest.config import Settings
from earnest.errors import ModelError
from earnest.model.artifact import SeriousnessModel, default_model_path
from earnest.model.card import content_hash
from earnest.model.scorer import load_scorer
from earnest.runtime import activate, make_store
from earnest.store.base import ModelInfo
from earnest.testing import run_cli

SERIOUS = {"askscience": 150, "legaladvice": 150, "AskHistorians": 100}
BANTER = {"shittyaskscience": 150, "Jokes": 150, "circlejerk": 100}

Row = tuple[str, str, str]


@pytest.fixture(scope="module")
def texts(read_posts: Callable[[str, int], list[Row]]) -> tuple[list[str], list[int]]:
    """Real posts as the ``text`` input gives them to a model, and their labels."""
    out: list[str] = []
    labels: list[int] = []
    for names, label in ((SERIOUS, 1), (BANTER, 0)):
        for name, n in names.items():
            for _, title, selftext in read_posts(name, n):
                out.append(f"{title}\n\n{selftext}")
                labels.append(label)
    return out, labels


@pytest.fixture(scope="module")
def pipeline(texts: tuple[list[str], list[int]]) -> Pipeline:
    return make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(*texts)


def models_in(settings: Settings) -> list[ModelInfo]:
    return earnest.models.versions(settings)


def test_register_earnest_model_and_sklearn_pipeline_then_list(
    settings: Settings, pipeline: Pipeline, read_posts: Callable[[str, int], list[Row]]
) -> None:
    own = earnest.models.register(default_model_path(), author="earnest team",
                                  settings=settings)
    packaged = SeriousnessModel.load(default_model_path())
    assert (own.version, own.kind, own.name) == (packaged.version, "earnest-linear",
                                                 "earnest-seriousness")
    assert own.auc == packaged.metrics["held_out_roc_auc"]
    training = {"posts": 800, "first_post_utc": 1.3e9, "last_post_utc": 1.38e9}
    metrics = {"held_out_roc_auc": np.float32(0.75), "held_out_posts": np.int64(300)}
    theirs = earnest.models.register(pipeline, name="tfidf-logreg", author="ada",
                                     metrics=metrics, training=training, settings=settings)
    assert theirs.version.startswith("sklearn-") and theirs.kind == "sklearn"
    assert theirs.fields == ("title", "selftext") and theirs.input == "text"
    assert theirs.training is not None and theirs.training.posts == 800

    listed = models_in(settings)
    assert listed[0].metrics == {"held_out_roc_auc": 0.75, "held_out_posts": 300}
    assert listed[0].card["training"] == training
    assert [(m.version, m.state, m.card["name"], m.card["author"]) for m in listed] == [
        (theirs.version, "registered", "tfidf-logreg", "ada"),
        (own.version, "registered", "earnest-seriousness", "earnest team")]

    # Loaded back from the database alone, each scores as the model it came from.
    posts = read_posts("NeutralPolitics", 20) + read_posts("Jokes", 20)
    titles, selftexts = [p[1] for p in posts], [p[2] for p in posts]

    async def loaded() -> list[bytes | None]:
        async with make_store(settings.resolved_database_url()) as store:
            return [await store.model_artifact(m.version) for m in listed]

    sklearn_bytes, earnest_bytes = asyncio.run(loaded())
    assert sklearn_bytes is not None and earnest_bytes is not None
    joined = [f"{t}\n\n{s}" for t, s in zip(titles, selftexts, strict=True)]
    expected = pipeline.predict_proba(joined)[:, 1]
    np.testing.assert_allclose(load_scorer(theirs, sklearn_bytes).score(titles, selftexts),
                               expected)
    np.testing.assert_allclose(load_scorer(own, earnest_bytes).score(titles, selftexts),
                               packaged.score(titles, selftexts))


def test_registering_the_same_model_again_changes_nothing(
    settings: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    first = earnest.models.register(pipeline, name="first", author="ada", settings=settings)
    # Saved again, the file differs byte for byte (skops names arrays by id) but not in content.
    path = tmp_path / "same.skops"
    sio.dump(pipeline, path)
    assert path.read_bytes() != sio.dumps(pipeline)
    again = earnest.models.register(path, name="second", author="bob", settings=settings)
    assert again == first
    assert [(m.version, m.card["name"]) for m in models_in(settings)] == [
        (first.version, "first")]


def test_content_hash_tells_models_apart(pipeline: Pipeline,
                                         texts: tuple[list[str], list[int]]) -> None:
    other = make_pipeline(TfidfVectorizer(), LogisticRegression(C=0.1)).fit(*texts)
    assert content_hash(sio.dumps(pipeline)) == content_hash(sio.dumps(pipeline))
    assert content_hash(sio.dumps(pipeline)) != content_hash(sio.dumps(other))
    assert content_hash(sio.dumps(pipeline), "text") != content_hash(sio.dumps(pipeline),
                                                                      "columns")


def _nan_weights(pipeline: Pipeline) -> Pipeline:
    broken = sio.loads(sio.dumps(pipeline), trusted=[])
    broken[-1].coef_[:] = np.nan
    broken[-1].intercept_[:] = np.nan
    return broken


def _three_columns(pipeline: Pipeline) -> Pipeline:
    """Two classes, but weights of three: predict_proba returns three columns."""
    broken = sio.loads(sio.dumps(pipeline), trusted=[])
    broken[-1].coef_ = np.vstack([broken[-1].coef_] * 3)
    broken[-1].intercept_ = np.zeros(3)
    return broken


@pytest.mark.parametrize(("make", "input", "message"), [
    (lambda p: p, "columns", r"failed on the probe batch: it raised .*AttributeError"),
    (_nan_weights, "text",
     r"failed on the probe batch: 64 of its 64 scores are not finite probabilities"),
    (_three_columns, "text", r"failed on the probe batch: .*shape \(64, 3\)"),
])
def test_a_model_failing_on_the_probe_batch_is_refused(
    settings: Settings, pipeline: Pipeline, make: Callable[[Pipeline], Pipeline], input: str,
    message: str,
) -> None:
    earnest.models.register(default_model_path(), settings=settings)
    before = models_in(settings)
    with pytest.raises(ModelError, match=message) as refused:
        earnest.models.register(make(pipeline), name="bad", input=input, settings=settings)
    assert "register it again" in str(refused.value)
    assert models_in(settings) == before


def test_a_file_that_is_not_skops_is_refused(settings: Settings, tmp_path: Path) -> None:
    garbage = tmp_path / "model.skops"
    garbage.write_bytes(b"\x80\x04not a model at all")
    with pytest.raises(ModelError, match=r"is not a skops file .*skops\.io\.dump"):
        earnest.models.register(garbage, settings=settings)
    # A zip file that is not a skops file either.
    with zipfile.ZipFile(garbage, "w") as archive:
        archive.writestr("schema.json", "{}")
    with pytest.raises(ModelError, match="not a skops file"):
        earnest.models.register(garbage, settings=settings)
    assert models_in(settings) == []


@pytest.mark.parametrize(("func", "named"), [
    (os.system, r"posix\.system \(not from numpy, scipy\.sparse, sklearn, earnest\)"),
    (eval, r"builtins\.eval \(not from"),
    (np.load, r"numpy\..*load \(a function, not a class\)"),
])
def test_a_model_holding_an_untrusted_type_is_refused(
    settings: Settings, pipeline: Pipeline, func: Callable[..., object], named: str,
    tmp_path: Path,
) -> None:
    hooked = make_pipeline(FunctionTransformer(func), pipeline)
    path = tmp_path / "hooked.skops"
    sio.dump(hooked, path)
    with pytest.raises(ModelError, match=f"holds types earnest will not load: {named}"):
        earnest.models.register(path, settings=settings)
    assert models_in(settings) == []


def test_the_model_earnest_starts_with_is_registered_live_with_its_card(
    settings: Settings
) -> None:
    model = SeriousnessModel.load(default_model_path())

    async def start() -> tuple[ModelInfo | None, bytes | None]:
        async with make_store(settings.resolved_database_url()) as store:
            await activate(store, model, default_model_path())
            await activate(store, model, default_model_path())  # a restart
            live = await store.active_model()
            return live, await store.model_artifact(model.version)

    live, artifact = asyncio.run(start())
    assert live is not None and live.version == model.version and live.state == "live"
    assert live.card is not None and live.card["kind"] == "earnest-linear"
    assert artifact == default_model_path().read_bytes()
    # Registering it again, as any model, is a no-op that leaves it live.
    earnest.models.register(default_model_path(), settings=settings)
    assert [(m.version, m.state) for m in models_in(settings)] == [(model.version, "live")]


def test_models_register_and_list_from_the_command_line(
    earnest_env: dict[str, str], pipeline: Pipeline, tmp_path: Path
) -> None:
    path = tmp_path / "tfidf.skops"
    sio.dump(pipeline, path)
    registered = run_cli(["models", "register", str(path), "--name", "tfidf", "--author",
                          "ada"], earnest_env)
    assert registered.returncode == 0, registered.stderr
    version = registered.stdout.split()[1]
    assert version.startswith("sklearn-")
    again = run_cli(["models", "register", str(path)], earnest_env)
    assert again.returncode == 0 and "registered already; nothing changed" in again.stdout

    garbage = tmp_path / "garbage.skops"
    garbage.write_text("not a model")
    refused = run_cli(["models", "register", str(garbage)], earnest_env)
    assert refused.returncode == 1
    assert f"error: {garbage} is not a skops file" in " ".join(refused.stderr.split())

    listed = run_cli(["models", "list"], {**earnest_env, "COLUMNS": "200"})
    assert listed.returncode == 0, listed.stderr
    rows = [line for line in listed.stdout.splitlines() if "sklearn-" in line]
    assert len(rows) == 1
    assert [version, "tfidf", "registered", "sklearn", "ada"] == [
        cell.strip() for cell in rows[0].strip("│ ").split("│") if cell.strip()
        and not cell.strip()[0].isdigit()]


def test_a_restart_keeps_the_version_made_live_since(settings: Settings, pipeline: Pipeline
                                                     ) -> None:
    model = SeriousnessModel.load(default_model_path())
    theirs = earnest.models.register(pipeline, name="tfidf", settings=settings)

    async def scenario() -> str:
        async with make_store(settings.resolved_database_url()) as store:
            await activate(store, model, default_model_path())
            await store.set_live(theirs.version)  # as a promotion ends
            await activate(store, model, default_model_path())  # a worker restarts
            live = await store.active_model()
            return live.version if live else ""

    assert asyncio.run(scenario()) == theirs.version
    assert {m.version: m.state for m in models_in(settings)} == {
        theirs.version: "live", model.version: "shadow"}


def test_model_lifecycle_from_the_command_line(
    earnest_env: dict[str, str], settings: Settings, pipeline: Pipeline
) -> None:
    model = SeriousnessModel.load(default_model_path())
    asyncio.run(_start(settings, model))
    theirs = earnest.models.register(pipeline, name="tfidf", settings=settings).version

    def cli(*args: str) -> tuple[int, str]:
        done = run_cli(["models", *args], {**earnest_env, "COLUMNS": "200"})
        return done.returncode, " ".join((done.stdout + done.stderr).split())

    assert cli("rollback") == (1, f"error: no version was live before {model.version} and "
                                  "kept in shadow; nothing to roll back to (promote one: "
                                  "earnest models promote V)")
    assert cli("retire", model.version)[1].startswith(f"error: model {model.version} is live;")
    assert cli("promote", "nope")[1].startswith("error: no model version 'nope' is registered")
    code, said = cli("shadow", theirs)
    assert code == 0 and said.startswith(f"{theirs} is in shadow"), said
    code, said = cli("promote", theirs)
    assert code == 0 and f"{theirs} is promoting: score workers backfill 0 stored posts" in said
    listed = cli("list")[1]
    assert f"{theirs} │ tfidf │ promoting (100% backfilled)" in listed, listed
    code, said = cli("retire", theirs)
    assert code == 0 and said.startswith(f"{theirs} is retired"), said
    assert {m.version: m.state for m in models_in(settings)} == {
        theirs: "retired", model.version: "live"}


async def _start(settings: Settings, model: SeriousnessModel) -> None:
    async with make_store(settings.resolved_database_url()) as store:
        await activate(store, model, default_model_path())
