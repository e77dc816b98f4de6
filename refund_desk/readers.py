"""Trained readers for the categorical details a customer states, each with how sure it is.

One small scikit-learn classifier per detail (the refund reason, the work status, the kind of
service, yes/no, "I don't have it", "not a refund, I want to cancel"), trained at first use from
its YAML file in data/readers/ (a few hundred customer phrasings, a fraction of a second). A
reading below the file's threshold is "not sure" (label None): the form then asks back with
buttons instead of guessing a fact that decides the outcome. Formats (e-mail addresses,
identifiers, phone numbers, amounts, dates) stay with refund_desk/parsing.py and dates.py.

    read("service_status", "nothing has started yet")   # ReaderReading("not_started", 0.9)
    read_label("yes_no", "hmm")                          # "unclear" (the file's fallback)

Free of Rasa; no work at import.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from refund_desk.parsing import clip
from refund_desk.settings import READERS_DIR

# The details a reader exists for (one file each in READERS_DIR).
DETAILS = ("refund_reason", "service_status", "service_kind", "yes_no", "dont_have", "change_of_mind")

_NOT = re.compile(r"\b(can|won|don|doesn|didn|isn|aren|wasn|weren|hasn|haven|hadn|couldn|wouldn|shouldn|ain)['’]?t\b")
_EMAIL = re.compile(r"\S+@\S+")
_DIGITS = re.compile(r"\d")


def normalise(text: Optional[str]) -> str:
    """The text a reader sees: lower case, "n't" spelt "not", an e-mail one token, digits all 0."""
    text = clip(text).lower().replace("’", "'")
    text = _NOT.sub(lambda m: {"can": "can", "won": "will", "ain": "is"}.get(m.group(1), m.group(1)) + " not", text)
    text = _EMAIL.sub(" emailaddress ", text)
    return " ".join(_DIGITS.sub("0", text).split())


@dataclass(frozen=True)
class ReaderReading:
    """A detail's value as read (None: not sure) and the classifier's probability for its best label."""

    label: Optional[str]
    confidence: float


@dataclass(frozen=True)
class TrainingData:
    """A reader's YAML file: labelled phrasings, the confidence below which it is not sure, and the
    label that stands for "not sure" where one does (yes/no's "unclear")."""

    detail: str
    threshold: float
    texts: tuple[str, ...]
    labels: tuple[str, ...]
    fallback: Optional[str] = None


def load_training_data(detail: str, directory: Optional[Path] = None) -> TrainingData:
    path = Path(directory or READERS_DIR) / f"{detail}.yml"
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts: list[str] = []
    labels: list[str] = []
    for label, phrasings in raw["labels"].items():
        for text in phrasings:
            texts.append(str(text))
            labels.append(str(label))
    return TrainingData(detail=detail, threshold=float(raw["threshold"]), texts=tuple(texts),
                        labels=tuple(labels), fallback=raw.get("fallback"))


class Reader:
    """One detail's classifier: TF-IDF of words (1-2) and characters (2-5) into a logistic regression."""

    def __init__(self, data: TrainingData) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.data = data
        words = TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"\w+|[^\w\s]", sublinear_tf=True)
        characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        self.pipeline = make_pipeline(make_union(words, characters),
                                      LogisticRegression(C=20.0, max_iter=5000, class_weight="balanced"))
        self.pipeline.fit([normalise(t) for t in data.texts], list(data.labels))

    def read(self, text: Optional[str]) -> ReaderReading:
        """The best label and its probability; None as the label when below the threshold (or empty text)."""
        cleaned = normalise(text)
        if not cleaned:
            return ReaderReading(self.data.fallback, 0.0)
        probabilities = self.pipeline.predict_proba([cleaned])[0]
        best = int(probabilities.argmax())
        confidence = float(probabilities[best])
        label = str(self.pipeline.classes_[best]) if confidence >= self.data.threshold else self.data.fallback
        return ReaderReading(label, confidence)


@lru_cache(maxsize=None)
def reader(detail: str) -> Reader:
    """The detail's reader, trained on first use from READERS_DIR/<detail>.yml."""
    if detail not in DETAILS:
        raise KeyError(f"no reader for {detail!r} (readers: {', '.join(DETAILS)})")
    return Reader(load_training_data(detail))


def read(detail: str, text: Optional[str]) -> ReaderReading:
    return reader(detail).read(text)


def read_label(detail: str, text: Optional[str]) -> Optional[str]:
    """The detail's value as read from the text, or None when the reader is not sure."""
    return read(detail, text).label


def train_all() -> None:
    """Trains every reader now (a server calls it at start so the first customer does not wait)."""
    for detail in DETAILS:
        reader(detail)
