"""Prints what other sentence vectors and a nearest-neighbour second opinion would give on development text.

    .venv/bin/python scripts/sweep_meaning.py models/refund-desk.tar.gz ["minilm" "mean + minilm" ...] \
        [--settings=1.0:32,0.5:8]

(the dense features named after the model, or all of POOLINGS; the (dense_weight, C) pairs given,
or all of SETTINGS: each takes minutes on the shared machine)

Reads each message's sparse features from the trained model (scripts/sweep_dense_weight.py), builds
its dense part anew for each kind of sentence vector (POOLINGS: poolings of WordLlama's token vectors,
refund_desk/embeddings.py; all-MiniLM-L6-v2's sentence vector, refund_desk/sentence_encoder.py, alone
or beside WordLlama's mean), refits the classifier's logistic regression for each (dense_weight, C)
and scores, with the FallbackClassifier's thresholds applied:
- leave-one-hand-out on the training files of sweep_dense_weight.FOLDS,
- CLINC150 train rows not trained on (off-topic; sweep_fallback_threshold.py's sample),
- tests/nlu/heldout.yml, tests/nlu/dev_new_words.yml and tests/nlu/dev_imagined_customers.yml
  (in-scope and near-domain off-topic, in words the training data does not use).
Never the customer or words-not-taught held-out files or CLINC150's validation split.
"""
from __future__ import annotations

import asyncio
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from scipy.sparse import csr_matrix, hstack, vstack

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from evaluate_nlu import ROOT, nlu_file  # noqa: E402
from sweep_dense_weight import FOLDS, features, sweep_inputs  # noqa: E402
from sweep_fallback_threshold import DEV_FILES  # noqa: E402

from connectors.cascade_classifier import neighbour_probabilities  # noqa: E402

THRESHOLD, AMBIGUITY = 0.4, 0.05  # config.yml's FallbackClassifier
# (dense_weight, C) of the classifier's logistic regression, in turn (config.yml: 0.5, 32)
SETTINGS = ((0.5, 32.0), (1.0, 32.0), (1.5, 32.0), (1.0, 8.0), (2.0, 8.0))
# (neighbours, their share of the probabilities): 0 is the linear model alone
SECOND_OPINIONS = ((0, 0.0), (5, 0.2), (10, 0.3), (10, 0.5))
REJECTED = ("out_of_scope", "nlu_fallback")


@dataclass(frozen=True)
class Pooling:
    """A way to make one sentence vector of a message's token vectors."""

    name: str
    pool: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (token vectors, token weights) -> vector


def unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


MINILM = ("minilm", "mean + minilm")  # named like poolings; built by minilm_rows


POOLINGS = (
    Pooling("mean", lambda t, w: unit(t.mean(axis=0))),
    Pooling("weighted mean", lambda t, w: unit((t * w[:, None]).sum(axis=0))),
    Pooling("mean + max", lambda t, w: np.concatenate([unit(t.mean(axis=0)), unit(t.max(axis=0))]) / np.sqrt(2)),
    Pooling("weighted mean + max", lambda t, w: np.concatenate(
        [unit((t * w[:, None]).sum(axis=0)), unit(t.max(axis=0))]) / np.sqrt(2)),
    *(Pooling(name, lambda t, w: t) for name in MINILM),  # whole-sentence vectors: see dense_rows
)


def minilm_rows(texts: list[str]) -> np.ndarray:
    """Each text's all-MiniLM-L6-v2 sentence vector, kept in var/ per texts (encoding takes minutes)."""
    from refund_desk.sentence_encoder import load_sentence_encoder

    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    cache = ROOT / "var" / f"sweep_minilm_{key}.npy"
    if cache.is_file():
        return np.load(cache)
    found = load_sentence_encoder().encode(texts).astype(np.float64)
    cache.parent.mkdir(exist_ok=True)
    np.save(cache, found)
    return found


def dense_rows(texts: list[str], pooling: Pooling, token_weight: np.ndarray) -> np.ndarray:
    """Each text's pooled vector from the installed embedder (zeros when it has no tokens)."""
    from refund_desk.embeddings import load_embedder

    if pooling.name == "minilm":
        return minilm_rows(texts)
    if pooling.name == "mean + minilm":  # both side by side, as the classifier sees two dense featurizers
        return np.hstack([dense_rows(texts, POOLINGS[0], token_weight), minilm_rows(texts)])

    embedder = load_embedder()
    out = []
    for text in texts:
        ids = embedder.token_ids(text or "")
        if not ids:
            out.append(np.zeros(embedder.dimension * (2 if "max" in pooling.name else 1)))
            continue
        out.append(pooling.pool(embedder.table[ids].astype(np.float64), token_weight[ids]))
    return np.vstack(out)


def sif_weights(texts: list[str], a: float = 1e-3) -> np.ndarray:
    """Smooth inverse frequency a / (a + p(token)) of each token id, counted over the texts."""
    from refund_desk.embeddings import load_embedder

    embedder = load_embedder()
    counts = np.zeros(embedder.table.shape[0])
    for text in texts:
        for i in embedder.token_ids(text):
            counts[i] += 1
    return a / (a + counts / counts.sum())


def decide(probabilities: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """What the model answers: the best intent, or nlu_fallback below the threshold or when close."""
    top = np.sort(probabilities, axis=1)
    unsure = (top[:, -1] < THRESHOLD) | (top[:, -1] - top[:, -2] < AMBIGUITY)
    return np.where(unsure, "nlu_fallback", classes[probabilities.argmax(axis=1)])


def score(predicted: np.ndarray, expected: np.ndarray) -> float:
    ok = (predicted == expected) | ((expected == "out_of_scope") & np.isin(predicted, REJECTED))
    return float(ok.mean()) if len(ok) else float("nan")


def sparse_rows(model: Path, texts: list[str]) -> csr_matrix:
    """The texts' scaled sparse rows as the model's classifier sees them, kept in var/ per model and texts."""
    from scipy.sparse import load_npz, save_npz

    key = hashlib.sha256("\n".join([str(model.stat().st_mtime), *texts]).encode()).hexdigest()[:16]
    cache = ROOT / "var" / f"sweep_meaning_{key}.npz"
    if cache.is_file():
        return load_npz(cache).tocsr()
    found = vstack([s for s, _ in asyncio.run(features(model, texts))]).tocsr()
    cache.parent.mkdir(exist_ok=True)
    save_npz(cache, found)
    return found


def development_sets(train: list[tuple[str, str, str]], dev_off: list[str]) -> dict[str, list[tuple[str, str]]]:
    """(text, intent) of each development set by name: CLINC150 train off-topic, then each of DEV_FILES
    (its off-topic messages apart), without the messages trained on word for word."""
    trained = {t.lower() for t, _, _ in train}
    dev = {"CLINC150 train off-topic": [(t, "out_of_scope") for t in dev_off]}
    for name in DEV_FILES:
        examples = [(t, i) for t, i in nlu_file(ROOT / "tests" / "nlu" / name) if t.lower() not in trained]
        dev[name] = [e for e in examples if e[1] != "out_of_scope"]
        if len(dev[name]) < len(examples):
            dev[f"{name} off-topic"] = [e for e in examples if e[1] == "out_of_scope"]
    return dev


def main() -> int:
    from sklearn.linear_model import LogisticRegression

    model, train, dev_off = sweep_inputs()
    dev = development_sets(train, dev_off)
    texts = [t for t, _, _ in train] + [t for examples in dev.values() for t, _ in examples]
    sparse = sparse_rows(model, texts)
    labels = np.array([i for _, i, _ in train])
    sources = np.array([s for _, _, s in train])
    n_train = len(train)
    weights = sif_weights([t for t, _, _ in train])
    named = [a for a in sys.argv[2:] if not a.startswith("--settings")]
    given = [a.split("=", 1)[1] for a in sys.argv[2:] if a.startswith("--settings=")]
    settings = [tuple(float(x) for x in pair.split(":")) for pair in given[0].split(",")] if given else SETTINGS
    wanted = set(named) or {pooling.name for pooling in POOLINGS}
    for pooling in [p for p in POOLINGS if p.name in wanted]:
        dense = dense_rows(texts, pooling, weights)
        for dense_weight, c in settings:
            X = csr_matrix(hstack([sparse, csr_matrix(dense * dense_weight)]))
            X_train = X[:n_train]

            def fit(mask: np.ndarray) -> LogisticRegression:
                return LogisticRegression(C=c, max_iter=1000, class_weight="balanced", random_state=42).fit(
                    X_train[mask], labels[mask])

            models = {fold: fit(sources != fold) for fold in FOLDS}
            full = fit(np.ones(n_train, bool))
            for k, share in SECOND_OPINIONS:
                figures = []
                right = total = 0
                for fold, clf in models.items():
                    held = sources == fold
                    p = clf.predict_proba(X_train[held])
                    if k:
                        p = (1 - share) * p + share * neighbour_probabilities(
                            dense[:n_train][~held], labels[~held], clf.classes_, dense[:n_train][held], k)
                    predicted = decide(p, clf.classes_)
                    right += int(((predicted == labels[held])).sum())
                    total += int(held.sum())
                figures.append(f"leave-one-hand-out {right / total:.4f}")
                start = n_train
                for name, examples in dev.items():
                    part = slice(start, start + len(examples))
                    start += len(examples)
                    p = full.predict_proba(X[part])
                    if k:
                        p = (1 - share) * p + share * neighbour_probabilities(
                            dense[:n_train], labels, full.classes_, dense[part], k)
                    figures.append(f"{name} {score(decide(p, full.classes_), np.array([i for _, i in examples])):.4f}")
                print(f"{pooling.name}, dense_weight {dense_weight}, C {c:g}, neighbours {k} x {share}: "
                      + "; ".join(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
