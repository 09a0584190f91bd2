import json
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from earnest.errors import ModelError
from earnest.model.artifact import SeriousnessModel
from earnest.model.features import FeatureSpec
from earnest.model.labels import BANTER, SERIOUS, label_for
from earnest.model.train import FOLDS, format_report, subreddit_folds, train

ReadPosts = Callable[[str, int], list[tuple[str, str, str]]]
Slices = tuple[dict[str, int], dict[str, int]]


def test_held_out_subreddits_are_ranked_well(
    small_model: SeriousnessModel, small_slices: Slices
) -> None:
    _, held_out = small_slices
    m = small_model.metrics
    assert m["held_out_subreddits"] == sorted(held_out)
    assert m["held_out_posts"] == sum(held_out.values())
    assert m["held_out_roc_auc"] > 0.75
    means = m["held_out_mean_score"]
    assert min(means["askscience"], means["NeutralPolitics"]) > max(
        means["shittyaskscience"], means["Jokes"]
    )


def test_metrics_describe_the_run_and_are_plain_json(
    small_model: SeriousnessModel, small_slices: Slices
) -> None:
    training, held_out = small_slices
    m = small_model.metrics
    assert json.loads(json.dumps(m)) == m
    assert m["training_subreddits"] == sorted({*training, *held_out})
    assert m["training_posts"] == sum(training.values()) + sum(held_out.values())
    assert m["evaluation_training_posts"] == sum(training.values())
    assert datetime.fromisoformat(m["trained_at"]).utcoffset() == timedelta(0)
    assert "held-out ones included" in m["final_fit"]


def test_unlabelled_subreddits_are_ignored_and_names_matched_in_any_case(
    read_posts: ReadPosts,
) -> None:
    rows = read_posts("legaladvice", 60) + read_posts("3amjokes", 60) + read_posts("pics", 60)
    rows += [("LegalAdvice", title, body) for _, title, body in read_posts("legaladvice", 10)]
    model = train(rows, held_out=[])
    assert model.metrics["training_subreddits"] == ["3amjokes", "legaladvice"]
    assert model.metrics["training_posts"] == 130
    assert model.metrics["held_out_roc_auc"] is None
    assert model.metrics["held_out_skipped"] == "no posts of the held-out subreddits"


def test_evaluation_is_skipped_and_says_why_without_both_labels_held_out(
    read_posts: ReadPosts,
) -> None:
    rows = read_posts("legaladvice", 60) + read_posts("3amjokes", 60) + read_posts("Jokes", 60)
    model = train(rows, held_out=["Jokes"])
    assert model.metrics["held_out_roc_auc"] is None
    assert "no held-out evaluation" in format_report(model)


def test_training_needs_both_labels(read_posts: ReadPosts) -> None:
    with pytest.raises(ModelError, match="both serious and banter"):
        train(read_posts("legaladvice", 50) + read_posts("pics", 50))


def test_same_data_and_seed_give_the_same_version(read_posts: ReadPosts) -> None:
    rows = read_posts("askphilosophy", 80) + read_posts("Punny", 80)
    assert train(rows, held_out=[]).version == train(rows, held_out=[]).version


def test_report_names_auc_sizes_and_each_held_out_subreddit(
    small_model: SeriousnessModel, small_slices: Slices
) -> None:
    _, held_out = small_slices
    report = format_report(small_model)
    assert small_model.version in report
    assert f"{small_model.metrics['held_out_roc_auc']:.3f}" in report
    for name in held_out:
        assert name in report


def test_folds_hold_every_labelled_subreddit_out_exactly_once_with_both_labels() -> None:
    labelled = SERIOUS | BANTER
    folds = subreddit_folds(labelled, FOLDS, seed=0)
    assert len(folds) == FOLDS
    assert sorted(name for fold in folds for name in fold) == sorted(labelled)
    for fold in folds:
        assert {label_for(name) for name in fold} == {0, 1}
    assert subreddit_folds(labelled, FOLDS, seed=0) == folds
    assert subreddit_folds(labelled, FOLDS, seed=1) != folds


def test_folds_are_as_many_as_the_scarcer_label_has_subreddits() -> None:
    folds = subreddit_folds(["askscience", "law", "math", "Jokes", "puns"], FOLDS, seed=0)
    assert len(folds) == 2
    assert sorted(len(fold) for fold in folds) == [2, 3]


def test_cross_validation_scores_each_subreddit_with_a_model_that_never_saw_it(
    small_model: SeriousnessModel,
) -> None:
    m = small_model.metrics
    assert sorted(name for fold in m["cross_validation_folds"] for name in fold) == (
        m["training_subreddits"]
    )
    assert len(m["cross_validation_fold_roc_auc"]) == len(m["cross_validation_folds"])
    assert all(0.6 < auc <= 1.0 for auc in m["cross_validation_fold_roc_auc"])
    assert m["cross_validated_roc_auc"] > 0.75
    assert f"{m['cross_validated_roc_auc']:.3f}" in format_report(small_model)


def test_cross_validation_is_skipped_and_says_why_with_too_few_subreddits(
    read_posts: ReadPosts,
) -> None:
    rows = read_posts("legaladvice", 60) + read_posts("3amjokes", 60)
    m = train(rows, held_out=[]).metrics
    assert m["cross_validated_roc_auc"] is None
    assert "two serious and two banter" in m["cross_validation_skipped"]


def test_a_variant_spec_and_alpha_are_used_and_recorded(read_posts: ReadPosts) -> None:
    rows = read_posts("askphilosophy", 80) + read_posts("Punny", 80)
    model = train(rows, held_out=[], spec=FeatureSpec(hash_bits=12), alpha=1e-3)
    assert model.spec.hash_bits == 12
    assert model.classifier.coef_.shape == (1, FeatureSpec(hash_bits=12).n_features)
    assert "alpha=0.001" in model.metrics["classifier"]
