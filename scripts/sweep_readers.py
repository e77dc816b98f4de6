"""Compares reader designs (refund_desk/readers.py Design) on the development set, per reader.

    .venv/bin/python scripts/sweep_readers.py [--cv] [--only refund_reason,yes_no]
    .venv/bin/python scripts/sweep_readers.py --thresholds [--only ...] [--designs "minilm+words C20,knn 5"]

For each reader and design: the accuracy on tests/readers_dev/ (examples, negations; for the
reason also read in passing from whole opening messages) as scripts/evaluate_readers.py counts
it, at the reader file's thresholds, with how many readings were sure and wrong; and the
accuracy of the best label alone (no threshold). --cv adds 5-fold cross-validation on the
training data (best label of the whole text). --thresholds prints, per design and threshold (all
labels; with --label L only label L's own), the development set's right, sure-and-wrong and
not-sure readings and the cost 2 x wrong + not sure (a guessed fact costs more than a question back).
Never reads the evaluation set (tests/readers/).
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from evaluate_readers import DEVELOPMENT_DIR, IN_PASSING_FILES, PARTS, _items, in_passing_reading, score  # noqa: E402

from refund_desk import readers  # noqa: E402
from refund_desk.readers import DETAILS, Design, Reader, build_pipeline, load_training_data, normalise  # noqa: E402

NGRAMS = ("words", "characters")
DESIGNS = {
    "now: ngrams+wordllama C20": Design(),
    "minilm C1": Design(("minilm",), 1.0),
    "minilm C4": Design(("minilm",), 4.0),
    "minilm C16": Design(("minilm",), 16.0),
    "minilm C64": Design(("minilm",), 64.0),
    "minilm+ngrams C5": Design(("minilm", *NGRAMS), 5.0),
    "minilm+ngrams C20": Design(("minilm", *NGRAMS), 20.0),
    "minilm+ngrams C50": Design(("minilm", *NGRAMS), 50.0),
    "minilm+ngrams+wordllama C20": Design(("minilm", *NGRAMS, "wordllama"), 20.0),
    "minilm+words C20": Design(("minilm", "words"), 20.0),
    "knn 5": Design(("minilm",), neighbours=5),
    "knn 15": Design(("minilm",), neighbours=15),
}


def unthresholded(reader: Reader):
    """The reader's read with every threshold 0: the best label alone."""
    bare = Reader.__new__(Reader)
    bare.data = replace(reader.data, threshold=0.0, label_thresholds=())
    bare.pipeline = reader.pipeline
    return bare.read


def dev_scores(detail: str, the_reader: Reader) -> str:
    trained = {normalise(t) for t in the_reader.data.texts}
    cells = []
    for part in PARTS:
        items = _items(DEVELOPMENT_DIR / f"{detail}.yml", part)
        at = score(items, the_reader.read, trained, False, "")
        best = score(items, unthresholded(the_reader), trained, False, "")
        cells.append(f"{part[:3]} {at.right:3}/{at.total:<3} wrong {at.sure_and_wrong:2} best {best.right:3}")
    if detail == "refund_reason":
        readers.reader = lambda d, _r=the_reader: _r if d == detail else ORIGINAL(d)  # read_in_passing reads it
        for name in IN_PASSING_FILES:
            at = score(_items(DEVELOPMENT_DIR / name, "examples"), in_passing_reading, trained, False, "")
            cells.append(f"passing {at.right}/{at.total}")
        readers.reader = ORIGINAL
    return " | ".join(cells)


def cross_validated(detail: str, design: Design) -> float:
    from sklearn.model_selection import StratifiedKFold

    data = load_training_data(detail)
    texts = [normalise(t) for t in data.texts]
    labels = list(data.labels)
    right = 0
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
        pipeline = build_pipeline(design).fit([texts[i] for i in train], [labels[i] for i in train])
        predicted = pipeline.predict([texts[i] for i in test])
        right += sum(p == labels[i] for p, i in zip(predicted, test))
    return right / len(texts)


ORIGINAL = readers.reader
THRESHOLDS = tuple(round(0.25 + 0.05 * n, 2) for n in range(12))


def threshold_table(detail: str, the_reader: Reader, label: str | None) -> None:
    """Right / sure-and-wrong / not-sure on the development set (examples and negations) per threshold."""
    items = [i for part in PARTS for i in _items(DEVELOPMENT_DIR / f"{detail}.yml", part)]
    trained = {normalise(t) for t in the_reader.data.texts}
    for threshold in THRESHOLDS:
        trial = Reader.__new__(Reader)
        own = dict(the_reader.data.label_thresholds)
        if label:
            own[label] = threshold
            data = replace(the_reader.data, label_thresholds=tuple(own.items()))
        else:
            data = replace(the_reader.data, threshold=threshold,
                           label_thresholds=tuple((k, max(v, threshold)) for k, v in own.items()))
        trial.data, trial.pipeline = data, the_reader.pipeline
        result = score(items, trial.read, trained, False, "")
        cost = 2 * result.sure_and_wrong + result.not_sure
        print(f"    {threshold:.2f}: right {result.right}/{result.total} wrong {result.sure_and_wrong} "
              f"not sure {result.not_sure} cost {cost}")


def main() -> int:
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else DETAILS
    if "--thresholds" in sys.argv:
        names = sys.argv[sys.argv.index("--designs") + 1].split(",") if "--designs" in sys.argv else None
        label = sys.argv[sys.argv.index("--label") + 1] if "--label" in sys.argv else None
        for detail in only:
            base = load_training_data(detail)
            for name in names or ["file's design"]:
                print(f"{detail}, {name}:")
                design = DESIGNS[name] if names else base.design
                threshold_table(detail, Reader(replace(base, design=design)), label)
        return 0
    for detail in only:
        print(f"{detail}:")
        base = load_training_data(detail)
        for name, design in DESIGNS.items():
            the_reader = Reader(replace(base, design=design))
            line = f"  {name:30} {dev_scores(detail, the_reader)}"
            if "--cv" in sys.argv:
                line += f" | cv {cross_validated(detail, design):.3f}"
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
