"""Prints what each dense_weight and C of the intent classifier would give on development text.

    .venv/bin/python scripts/sweep_dense_weight.py models/refund-desk.tar.gz

Reads every training message's features from the trained model (the featurizers as trained),
then refits the classifier's logistic regression for each (dense_weight, C), leaving out one
training file written by one hand at a time (FOLDS: a hand the rest of the data never saw) and
scoring it; also the off-topic development rows of
scripts/sweep_fallback_threshold.py (CLINC150 train rows not trained on), tests/nlu/heldout.yml and
tests/nlu/dev_new_words.yml (words the training data rarely uses).
Never the customer held-out files or CLINC150's validation split: those are for evaluate_nlu.py.
"""
from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, vstack

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from clinc150 import development_off_topic  # noqa: E402
from evaluate_nlu import ROOT, nlu_file  # noqa: E402

WEIGHTS = (0.5, 1.0)
CS = (32.0,)
# The training files left out in turn: hands the rest of the data never saw (customer_voice_6.yml was
# written by a helper that saw no held-out file; customer_voice_7.yml in words the rest rarely uses).
FOLDS = ("customer_voice_6.yml", "customer_voice_7.yml")


async def features(model: Path, texts: list[str]) -> list[tuple[csr_matrix, np.ndarray]]:
    """(scaled sparse row, dense vector) of each text, as the model's classifier sees them."""
    from rasa.core.agent import Agent

    from connectors.intent_classifier import (ScaledLogisticRegressionClassifier, dense_sentence, scale_values,
                                              sentence_row)

    seen: list[tuple[csr_matrix, np.ndarray]] = []
    original = ScaledLogisticRegressionClassifier._create_X

    def capture(self, messages):  # type: ignore[no-untyped-def]
        for message in messages:
            cols, values, width = sentence_row(message)
            seen.append((csr_matrix((scale_values(values, True, True), (np.zeros(len(cols), int), cols)),
                                    shape=(1, width)), dense_sentence(message)))
        return original(self, messages)

    # the classifier's rows from the messages' features, once per parse (the cascade's too: its
    # first model's rows; MiniLM's, computed inside it, are not features)
    ScaledLogisticRegressionClassifier._create_X = capture  # type: ignore[method-assign]
    agent = Agent.load(str(model))
    for text in texts:
        await agent.parse_message(text)
    return seen


def matrix(found: list[tuple[csr_matrix, np.ndarray]], weight: float) -> csr_matrix:
    from scipy.sparse import hstack

    return csr_matrix(hstack([vstack([s for s, _ in found]), csr_matrix(np.vstack([d for _, d in found]) * weight)]))


def quiet() -> None:
    """Rasa's and TensorFlow's warnings off, so that the sweep's lines stand out."""
    import structlog

    logging.disable(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def training_examples() -> list[tuple[str, str, str]]:
    """(text, intent, file name) of every training message of data/nlu/."""
    return [(text, intent, path.name) for path in sorted((ROOT / "data" / "nlu").glob("*.yml"))
            for text, intent in nlu_file(path)]


def sweep_inputs() -> tuple[Path, list[tuple[str, str, str]], list[str]]:
    """The model named on the command line, the training examples and the off-topic development rows."""
    quiet()
    named = [a for a in sys.argv[1:] if not a.startswith("--")]  # options are the calling script's
    model = Path(named[0] if named else ROOT / "models" / "refund-desk.tar.gz")
    train = training_examples()
    return model, train, development_off_topic({t.lower() for t, _, _ in train})


def main() -> int:
    from sklearn.linear_model import LogisticRegression

    model, train, dev_off = sweep_inputs()
    trained = {t.lower() for t, _, _ in train}
    own = nlu_file(ROOT / "tests" / "nlu" / "heldout.yml")
    new_words = nlu_file(ROOT / "tests" / "nlu" / "dev_new_words.yml")
    texts = [t for t, _, _ in train] + dev_off + [t for t, _ in own] + [t for t, _ in new_words]
    found = asyncio.run(features(model, texts))
    n_train, n_off = len(train), len(dev_off)
    labels = np.array([i for _, i, _ in train])
    sources = np.array([s for _, _, s in train])
    folds = [fold for fold in FOLDS if fold in set(sources)]
    for weight in WEIGHTS:
        X = matrix(found, weight)
        n_own = n_train + n_off + len(own)
        X_train, X_off, X_own, X_new = X[:n_train], X[n_train:n_train + n_off], X[n_train + n_off:n_own], X[n_own:]
        for c in CS:
            def fit(mask: np.ndarray) -> LogisticRegression:
                return LogisticRegression(C=c, max_iter=1000, class_weight="balanced", random_state=42).fit(
                    X_train[mask], labels[mask])
            right = total = 0
            for fold in folds:
                held = sources == fold
                right += int((fit(~held).predict(X_train[held]) == labels[held]).sum())
                total += int(held.sum())
            clf = fit(np.ones(n_train, bool))
            off = float(np.mean(clf.predict(X_off) == "out_of_scope"))
            own_right = float(np.mean(clf.predict(X_own) == np.array([i for _, i in own])))
            new_right = float(np.mean(clf.predict(X_new) == np.array([i for _, i in new_words])))
            print(f"dense_weight {weight:.1f} C {c:4.0f}: leave-one-hand-out accuracy {right / total:.4f} "
                  f"({total} messages, {len(folds)} files); CLINC150 train off-topic rejected {off:.4f}; "
                  f"own held-out {own_right:.4f}; new-words development {new_right:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
