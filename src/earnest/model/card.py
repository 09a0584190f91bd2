"""The model card: what a registered model is, who made it, from what, and how well it does.

A card lives beside its artifact, in the registry (the ``card`` column of the
``models`` table, next to the artifact's bytes), not inside the skops file: the
file stays whatever its author saved (earnest's own format, or a bare
scikit-learn estimator), and the card is written once, at ``register``, from
what the file holds and what its author says.

``version`` is a content hash, so registering the same model twice is a no-op.
For earnest's own linear model it is the version the model computes itself
(``seriousness-<day>-<hash of weights and features>``), the one its scores are
keyed by; for a scikit-learn model it is ``sklearn-`` and a hash of the
estimator's skops content and of how it is fed (:func:`content_hash`).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import asdict, dataclass, field
from typing import Any

from earnest.errors import ModelError

EARNEST_LINEAR = "earnest-linear"
"""Kind of earnest's own hashed n-gram linear model (:mod:`earnest.model.artifact`)."""
SKLEARN = "sklearn"
"""Kind of any scikit-learn classifier or pipeline with ``predict_proba``."""
KINDS = (EARNEST_LINEAR, SKLEARN)

FIELDS = ("title", "selftext")
"""The post's text fields a model may read."""

TEXT = "text"
"""Input: a list of strings, one per post, the card's fields joined by a blank line."""
COLUMNS = "columns"
"""Input: a 2-D NumPy object array, one row per post, one column per field, in the
card's order (a ``ColumnTransformer`` selects them by position)."""
POSTS = "posts"
"""Input of earnest's own model: titles and selftexts, parallel."""
INPUTS = (TEXT, COLUMNS, POSTS)


@dataclass(frozen=True)
class TrainingData:
    """The posts a model was trained on: creation times of the first and last
    (seconds since the epoch, ``None`` when unknown) and how many."""

    posts: int
    first_post_utc: float | None = None
    last_post_utc: float | None = None


@dataclass(frozen=True)
class ModelCard:
    """Everything the registry says about one model version.

    ``metrics`` are its held-out metrics as its author measured them;
    ``held_out_roc_auc`` is the one ``earnest models list`` shows.
    ``trusted_types`` are the types of its skops file that skops does not trust by
    default (:func:`skops.io.get_untrusted_types`): loading it trusts exactly these.
    """

    name: str
    version: str
    kind: str
    author: str
    created_at: float
    fields: tuple[str, ...]
    input: str
    trusted_types: tuple[str, ...] = ()
    metrics: dict[str, Any] = field(default_factory=dict)
    training: TrainingData | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ModelError(f"unknown model kind {self.kind!r}; earnest knows {', '.join(KINDS)}")
        if self.input not in INPUTS:
            raise ModelError(f"unknown model input {self.input!r}; use one of "
                             f"{', '.join(INPUTS[:2])}")
        unknown = [f for f in self.fields if f not in FIELDS]
        if unknown or not self.fields:
            raise ModelError(f"a model reads one or more of the fields {', '.join(FIELDS)}, "
                             f"not {', '.join(unknown) or 'none'}")

    @property
    def auc(self) -> float | None:
        value = self.metrics.get("held_out_roc_auc")
        return float(value) if isinstance(value, int | float) else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelCard:
        try:
            training = data.get("training")
            return cls(
                name=data["name"], version=data["version"], kind=data["kind"],
                author=data["author"], created_at=float(data["created_at"]),
                fields=tuple(data["fields"]), input=data["input"],
                trusted_types=tuple(data.get("trusted_types", ())),
                metrics=dict(data.get("metrics") or {}),
                training=TrainingData(**training) if training else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"an incomplete model card ({exc!r}); register the model "
                             "again") from exc


def content_hash(skops_file: bytes, *salt: str) -> str:
    """A SHA-256 of what a skops file holds, the same however often it is saved.

    skops names each object and array after its ``id()`` in the saving process,
    so two saves of one estimator differ byte for byte; here those ids are
    renumbered in order of appearance before hashing the schema and the arrays.
    ``salt`` (how the model is fed) is hashed too.
    """
    with zipfile.ZipFile(io.BytesIO(skops_file)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(members.pop("schema.json"))
    numbers: dict[Any, int] = {}
    order: list[str] = []

    def renumber(node: Any) -> Any:
        if isinstance(node, list):
            return [renumber(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key in ("__id__", "file") and isinstance(value, int | str):
                if value not in numbers:
                    numbers[value] = len(numbers)
                    if isinstance(value, str):
                        order.append(value)
                value = numbers[value]
            out[key] = renumber(value)
        return out

    digest = hashlib.sha256(json.dumps(renumber(schema), sort_keys=True).encode())
    for name in order + sorted(set(members) - set(order)):
        digest.update(members.get(name, b""))
    for part in salt:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()
