"""Prints what the NLU cascade (WordLlama's model first, MiniLM's only when it is unsure) gives on development text.

    .venv/bin/python scripts/sweep_cascade.py [models/refund-desk.tar.gz] [--neighbours]

Each message's scaled sparse row is read from the model (as sweep_dense_weight.features captures
the classifier's rows); WordLlama's vector (refund_desk/embeddings.py) and MiniLM's
(sweep_meaning.minilm_rows, kept in var/) are computed here. Two logistic regressions with the
classifier's settings (config.yml: dense_weight 0.5, C 32) are fitted on the same rows:
A on [sparse | WordLlama], B on [sparse | MiniLM]. For each (sure_probability, sure_margin) of
SURE_SETTINGS, A's probabilities stand when its top one is at least sure_probability and ahead of
the second by at least sure_margin; otherwise B's do. The FallbackClassifier's thresholds are then
applied and each development set is scored (sweep_meaning.py's sets: leave-one-hand-out on the
training files of FOLDS, CLINC150 train rows not trained on, tests/nlu/heldout.yml,
dev_new_words.yml, dev_imagined_customers.yml), with the share of messages that reach MiniLM.
With --neighbours, at config.yml's sure setting only: B's probabilities mixed with the intents of the
k training messages nearest in MiniLM's meaning (connectors/cascade_classifier.neighbour_probabilities;
for the hands left out, among the other hands' messages), for each (k, share) of NEIGHBOUR_SETTINGS,
with and without every message A calls off-topic sent to B as well.
Never the customer or words-not-taught held-out files or CLINC150's validation split.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from sweep_dense_weight import FOLDS, sweep_inputs  # noqa: E402
from sweep_meaning import decide, development_sets, minilm_rows, score, sparse_rows  # noqa: E402

from connectors.cascade_classifier import neighbour_probabilities, unsure_rows  # noqa: E402

DENSE_WEIGHT, C = 0.5, 32.0  # config.yml's classifier
SURE_SETTINGS = [(p, m) for p in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95) for m in (0.0, 0.2, 0.4, 0.6)
                 if m <= p] + [(1.01, 0.0)]  # the last: never sure, B alone
SURE_AT = (0.8, 0.6)  # config.yml's sure_probability and sure_margin
NEIGHBOUR_SETTINGS = ((0, 0.0), (5, 0.2), (5, 0.3), (10, 0.3))  # (k, share); 0: B alone


def cascade(a: np.ndarray, b: np.ndarray, sure_probability: float, sure_margin: float) -> tuple[np.ndarray, np.ndarray]:
    """(the probabilities that stand, which messages reached B): A's where it is sure, B's elsewhere."""
    unsure = unsure_rows(a, sure_probability, sure_margin)
    return np.where(unsure[:, None], b, a), unsure


def main() -> int:
    from sklearn.linear_model import LogisticRegression

    from refund_desk.embeddings import load_embedder

    model, train, dev_off = sweep_inputs()
    dev = development_sets(train, dev_off)
    texts = [t for t, _, _ in train] + [t for examples in dev.values() for t, _ in examples]
    sparse = sparse_rows(model, texts)
    minilm = minilm_rows(texts)
    wordllama = load_embedder().embed(texts).astype(np.float64)
    labels = np.array([i for _, i, _ in train])
    sources = np.array([s for _, _, s in train])
    n_train = len(train)
    X = {name: csr_matrix(hstack([sparse, csr_matrix(dense * DENSE_WEIGHT)]))
         for name, dense in (("A", wordllama), ("B", minilm))}

    def fit(name: str, mask: np.ndarray) -> LogisticRegression:
        return LogisticRegression(C=C, max_iter=1000, class_weight="balanced", random_state=42).fit(
            X[name][:n_train][mask], labels[mask])

    # per set: (A's probabilities, B's probabilities, classes, expected)
    scored: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    # per set and k: the intents' shares among the k training messages nearest in MiniLM's meaning
    nearest: dict[str, dict[int, np.ndarray]] = {}
    ks = {k for k, _ in NEIGHBOUR_SETTINGS if k} if "--neighbours" in sys.argv else set()
    parts_a, parts_b, parts_y = [], [], []
    parts_k: dict[int, list[np.ndarray]] = {k: [] for k in ks}
    for fold in FOLDS:
        held = sources == fold
        a, b = fit("A", ~held), fit("B", ~held)
        assert list(a.classes_) == list(b.classes_)
        parts_a.append(a.predict_proba(X["A"][:n_train][held]))
        parts_b.append(b.predict_proba(X["B"][:n_train][held]))
        parts_y.append(labels[held])
        for k in ks:
            parts_k[k].append(neighbour_probabilities(minilm[:n_train][~held], labels[~held], b.classes_,
                                                      minilm[:n_train][held], k))
        classes = a.classes_
    scored["leave-one-hand-out"] = (np.vstack(parts_a), np.vstack(parts_b), classes, np.concatenate(parts_y))
    nearest["leave-one-hand-out"] = {k: np.vstack(parts) for k, parts in parts_k.items()}
    a, b = fit("A", np.ones(n_train, bool)), fit("B", np.ones(n_train, bool))
    start = n_train
    for name, examples in dev.items():
        part = slice(start, start + len(examples))
        start += len(examples)
        scored[name] = (a.predict_proba(X["A"][part]), b.predict_proba(X["B"][part]), a.classes_,
                        np.array([i for _, i in examples]))
        nearest[name] = {k: neighbour_probabilities(minilm[:n_train], labels, b.classes_, minilm[part], k) for k in ks}
    if ks:
        print_second_opinions(scored, nearest)
        return 0
    print("per set: cascade / B alone / A alone, share reaching MiniLM; sizes: "
          + ", ".join(f"{name} {len(y)}" for name, (_, _, _, y) in scored.items()), flush=True)
    for sure_probability, sure_margin in SURE_SETTINGS:
        figures, reached, total = [], 0, 0
        for name, (pa, pb, classes, expected) in scored.items():
            p, unsure = cascade(pa, pb, sure_probability, sure_margin)
            reached += int(unsure.sum())
            total += len(unsure)
            figures.append(f"{name} {score(decide(p, classes), expected):.4f} / "
                           f"{score(decide(pb, classes), expected):.4f} / {score(decide(pa, classes), expected):.4f}"
                           f", {unsure.mean():.2f}")
        print(f"sure at {sure_probability:g}, margin {sure_margin:g}: MiniLM for {reached / total:.3f} of all; "
              + "; ".join(figures), flush=True)
    return 0


def print_second_opinions(scored: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
                          nearest: dict[str, dict[int, np.ndarray]]) -> None:
    """At SURE_AT, each set's figure with B's probabilities mixed with the nearest training messages'
    intents, for each NEIGHBOUR_SETTINGS, with and without A's off-topic messages sent to B as well."""
    print("sizes: " + ", ".join(f"{name} {len(y)}" for name, (_, _, _, y) in scored.items()), flush=True)
    for off_topic_to_b in (False, True):
        for k, share in NEIGHBOUR_SETTINGS:
            figures, reached, total = [], 0, 0
            for name, (pa, pb, classes, expected) in scored.items():
                unsure = unsure_rows(pa, *SURE_AT)
                if off_topic_to_b:
                    unsure = unsure | (classes[pa.argmax(axis=1)] == "out_of_scope")
                b = (1 - share) * pb + share * nearest[name][k] if k else pb
                p = np.where(unsure[:, None], b, pa)
                reached += int(unsure.sum())
                total += len(unsure)
                figures.append(f"{name} {score(decide(p, classes), expected):.4f}")
            print(f"neighbours {k} x {share:g}, off-topic to MiniLM {off_topic_to_b}: MiniLM for "
                  f"{reached / total:.3f} of all; " + "; ".join(figures), flush=True)


if __name__ == "__main__":
    sys.exit(main())
