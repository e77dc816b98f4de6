"""Measures the trained model's intent classification on text it was never trained on.

    .venv/bin/python scripts/evaluate_nlu.py [models/refund-desk.tar.gz]

- Off-topic rejection on CLINC150's validation split: `oos_val` plus the `val` rows of every
  CLINC intent not trained as ours; rejected = `out_of_scope` or `nlu_fallback`.
- In-scope accuracy on tests/nlu/customer_heldout*.yml, written from scenarios by four hands that
  had not seen data/ (the third and fourth saw no other held-out file either and wrote after the
  classifier was chosen), and how many of their messages are wrongly rejected as off-topic.
- Off-topic rejection on tests/nlu/customer_offtopic*.yml (the same hands; near-domain messages).
- tests/nlu/heldout.yml, written by the hands that wrote the training data: a regression check.
- tests/nlu/generalise_heldout.yml and generalise_offtopic.yml, printed apart with their own
  confusions: written by a hand that saw neither the code nor the training data and was told to
  use words that are not in data/nlu/lexicon.yml or the training files (synonyms, other
  registers, banking and e-commerce phrasing, typos), plus near-domain off-topic messages.
  Nothing was chosen or tuned on them.
For every set it also prints how the confident predictions fare apart from the unsure ones
(nlu_fallback: outside a form the customer is offered the likeliest requests as buttons), and
how often the right request is among those buttons.
Prints each figure, the top confusions, and exits 1 when a figure is below its bar.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# scripts/ for clinc150; the project for the model's own components (connectors.policies)
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from clinc150 import OURS, rows  # noqa: E402
from refund_desk.choices import likeliest_requests, ranking_of  # noqa: E402
from refund_desk.replies import REQUEST_CHOICES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REJECTED = ("out_of_scope", "nlu_fallback")
# Floors of the words-not-taught set: what the served model measured, minus a margin of about 2
# standard errors. First set when issue 16 turned WordLlama's dense features on and taught
# data/nlu/customer_voice_7.yml (in-scope 0.7189 of 676, off-topic 0.8807 of 218; 0.68 and 0.84);
# raised on 2026-12-07 after data/nlu/other_words_8_short.yml, _9_shop_and_bank.yml and
# _10_indirect.yml (in-scope 0.8654 of 676, off-topic 0.9213 of 216); raised again the same evening
# after other_words_11 to _15 (in-scope 0.8891, off-topic 0.9259); raised on 2026-12-07 late evening after
# other_words_16 to _19 (in-scope 0.8950, off-topic 0.9306).
GENERALISE_FLOOR = 0.87
GENERALISE_OFF_TOPIC_FLOOR = 0.89
# figure -> (at least / at most, the target the project set, the floor below which make test fails).
# Where a target is not reached yet, the floor sits just under what the model reaches, so that a
# regression fails the build; the output says which targets are reached.
BARS = {
    "clinc_off_topic_rejected": ("min", 0.90, 0.93),
    "customer_in_scope_accuracy": ("min", 0.95, 0.95),
    "customer_in_scope_rejected": ("max", 0.05, 0.04),
    "customer_off_topic_rejected": ("min", 0.90, 0.90),
    "own_heldout_accuracy": ("min", 0.95, 0.97),
    "generalise_in_scope_accuracy": ("min", 0.90, GENERALISE_FLOOR),
    "generalise_off_topic_rejected": ("min", 0.90, GENERALISE_OFF_TOPIC_FLOOR),
}


@dataclass
class Tally:
    total: int = 0
    right: int = 0
    rejected: int = 0
    confusions: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)
    confident: int = 0
    confident_right: int = 0
    unsure: int = 0
    unsure_best_right: int = 0  # the best intent under nlu_fallback was the right one
    unsure_requests: int = 0  # unsure messages whose right intent is a request that can be offered
    among_choices: int = 0  # ... and that request is among the buttons offered

    def add(self, text: str, expected: str, predicted: str, ranking: list[tuple[str, float]] = ()) -> None:
        self.total += 1
        if predicted in REJECTED:
            self.rejected += 1
        ok = predicted == expected or (expected == "out_of_scope" and predicted in REJECTED)
        if ok:
            self.right += 1
        else:
            self.confusions[(expected, predicted)] += 1
            self.examples.setdefault((expected, predicted), text)
        if predicted != "nlu_fallback":
            self.confident += 1
            self.confident_right += ok
            return
        self.unsure += 1
        self.unsure_best_right += bool(ranking) and (ranking[0][0] == expected or (
            expected == "out_of_scope" and ranking[0][0] in REJECTED))
        if expected in REQUEST_CHOICES:
            self.unsure_requests += 1
            self.among_choices += expected in likeliest_requests(ranking)

    def certainty_line(self) -> str:
        """Confident and unsure predictions apart, and the right request among the buttons."""
        return (f"confident {self.confident}: {self.confident_right / max(1, self.confident):.4f} right; "
                f"unsure {self.unsure}: best guess right {self.unsure_best_right / max(1, self.unsure):.4f}, "
                f"right request among the buttons {self.among_choices}/{self.unsure_requests}")


def nlu_file(path: Path) -> list[tuple[str, str]]:
    found = []
    for block in yaml.safe_load(path.read_text()).get("nlu", []):
        if "intent" not in block:
            continue
        for line in block.get("examples", "").splitlines():
            if line.strip().startswith("- "):
                found.append((line.strip()[2:].strip(), block["intent"]))
    return found


def unseen(examples: list[tuple[str, str]], trained: set[str]) -> list[tuple[str, str]]:
    """The examples not in the training data word for word (stock phrases like "hi" coincide)."""
    return [(text, intent) for text, intent in examples if text.lower() not in trained]


def held_out_files(stem: str) -> list[Path]:
    """Every held-out file of one kind (tests/nlu/STEM.yml, STEM_2.yml, ...), in name order."""
    return sorted((ROOT / "tests" / "nlu").glob(f"{stem}*.yml"))


def held_out(stem: str) -> list[tuple[str, str]]:
    """The examples of every held-out file of one kind."""
    return [e for path in held_out_files(stem) for e in nlu_file(path)]


def clinc_off_topic() -> list[tuple[str, str]]:
    return [(t, "out_of_scope") for t, _ in rows("oos_val")] + [
        (t, "out_of_scope") for t, i in rows("val") if i not in OURS]


def print_confusions(title: str, tallies: list[Tally], top: int = 15) -> None:
    """The set's commonest confusions (expected -> predicted: count, e.g. one message)."""
    confusions, examples = Counter(), {}
    for tally in tallies:
        confusions.update(tally.confusions)
        for k, v in tally.examples.items():
            examples.setdefault(k, v)
    print(f"{title}: top {top} confusions (expected -> predicted: count, e.g.):")
    for (expected, predicted), n in confusions.most_common(top):
        print(f"  {expected} -> {predicted}: {n}, e.g. {examples[(expected, predicted)]!r}")


SECOND_OPINIONS = Counter()  # messages the NLU cascade sent to MiniLM (connectors/cascade_classifier.py)


def count_second_opinions() -> None:
    """Counts, in SECOND_OPINIONS, the messages a cascade classifier encodes with MiniLM."""
    from connectors.cascade_classifier import CascadeIntentClassifier

    encode = CascadeIntentClassifier.encode

    def counted(self, messages):  # type: ignore[no-untyped-def]
        SECOND_OPINIONS["messages"] += len(messages)
        return encode(self, messages)

    CascadeIntentClassifier.encode = counted  # type: ignore[method-assign]


async def classify(model: Path, sets: dict[str, list[tuple[str, str]]]) -> tuple[dict[str, Tally], list[float]]:
    """Each set's tally, and how long each message's parse took (seconds)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    count_second_opinions()
    tallies, durations = {}, []
    for name, examples in sets.items():
        tally = Tally()
        for text, expected in examples:
            started = time.perf_counter()
            parsed = await agent.parse_message(text)
            durations.append(time.perf_counter() - started)
            tally.add(text, expected, parsed["intent"]["name"], ranking_of(parsed))
        tallies[name] = tally
    return tallies, durations


def main() -> int:
    import structlog

    logging.disable(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    model = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "models" / "refund-desk.tar.gz")
    if not model.is_file():
        # Agent.load would quietly fall back to another model of the same folder
        print(f"no model file at {model}", file=sys.stderr)
        return 2
    trained = {text.lower() for path in (ROOT / "data").rglob("*.yml") for text, _ in nlu_file(path)}
    sets = {
        "clinc": clinc_off_topic(),
        "customer": unseen(held_out("customer_heldout"), trained),
        "customer_off_topic": unseen(held_out("customer_offtopic"), trained),
        "own": nlu_file(ROOT / "tests/nlu/heldout.yml"),
        "generalise": unseen(held_out("generalise_heldout"), trained),
        "generalise_off_topic": unseen(held_out("generalise_offtopic"), trained),
        # each hand's files apart: the in-scope file and the off-topic file of the same suffix
        **{f"file:{path.name}": unseen(nlu_file(path), trained)
           for stem in ("customer_heldout", "customer_offtopic") for path in held_out_files(stem)},
    }
    t, durations = asyncio.run(classify(model, sets))
    figures = {
        "clinc_off_topic_rejected": t["clinc"].right / t["clinc"].total,
        "customer_in_scope_accuracy": t["customer"].right / t["customer"].total,
        "customer_in_scope_rejected": t["customer"].rejected / t["customer"].total,
        "customer_off_topic_rejected": t["customer_off_topic"].right / t["customer_off_topic"].total,
        "own_heldout_accuracy": t["own"].right / t["own"].total,
        "generalise_in_scope_accuracy": t["generalise"].right / max(1, t["generalise"].total),
        "generalise_off_topic_rejected": t["generalise_off_topic"].right / max(1, t["generalise_off_topic"].total),
    }
    labels = {
        "clinc_off_topic_rejected": f"CLINC150 validation off-topic rejected ({t['clinc'].total} messages)",
        "customer_in_scope_accuracy": f"customer held-out in-scope accuracy ({t['customer'].total} messages)",
        "customer_in_scope_rejected": "customer held-out in-scope wrongly rejected as off-topic",
        "customer_off_topic_rejected": f"customer held-out off-topic rejected ({t['customer_off_topic'].total} messages)",
        "own_heldout_accuracy": f"own held-out file accuracy (same hands as the training data; {t['own'].total})",
        "generalise_in_scope_accuracy": f"words-not-taught held-out in-scope accuracy ({t['generalise'].total} "
                                        "messages)",
        "generalise_off_topic_rejected": f"words-not-taught held-out off-topic rejected "
                                         f"({t['generalise_off_topic'].total} messages)",
    }
    failed = []
    for key, value in figures.items():
        kind, target, floor = BARS[key]
        reached = value >= target if kind == "min" else value <= target
        ok = value >= floor if kind == "min" else value <= floor
        failed += [] if ok else [key]
        bound = "at least" if kind == "min" else "at most"
        print(f"{labels[key]}: {value:.4f} (target {bound} {target}: {'reached' if reached else 'NOT REACHED'}; "
              f"make test fails {'below' if kind == 'min' else 'above'} {floor})" + ("" if ok else "  <-- FAILED"))
    durations_ms = sorted(d * 1000 for d in durations)
    print(f"NLU time per message ({len(durations_ms)} parses, one at a time, whatever else the machine does): "
          f"median {statistics.median(durations_ms):.2f} ms, 95th percentile "
          f"{durations_ms[int(0.95 * (len(durations_ms) - 1))]:.2f} ms")
    print(f"messages the NLU cascade sent to MiniLM: {SECOND_OPINIONS['messages']} of {len(durations_ms)}")
    print("by held-out file (each written by a different hand; right / rejected as off-topic):")
    for name, tally in t.items():
        if name.startswith("file:"):
            print(f"  {name[5:]}: {tally.right}/{tally.total} = {tally.right / tally.total:.4f} right, "
                  f"{tally.rejected / tally.total:.4f} rejected")
    print("confident and unsure predictions apart (unsure = nlu_fallback; outside a form the likeliest "
          "requests are offered as buttons):")
    for name in ("customer", "customer_off_topic", "clinc", "own", "generalise", "generalise_off_topic"):
        print(f"  {name}: {t[name].certainty_line()}")
    print_confusions("words-not-taught held-out set (generalise_*.yml), apart", [t["generalise"], t["generalise_off_topic"]])
    confusions = Counter()
    examples = {}
    for name, tally in t.items():
        if name.startswith("file:") or name.startswith("generalise"):
            continue
        confusions.update(tally.confusions)
        for k, v in tally.examples.items():
            examples.setdefault(k, v)
    in_scope = Counter({k: n for k, n in confusions.items() if k[0] != "out_of_scope"})
    for title, counted in (("top 10 confusions", confusions), ("top 10 confusions of in-scope messages", in_scope)):
        print(f"{title} (expected -> predicted: count, e.g.):")
        for (expected, predicted), n in counted.most_common(10):
            print(f"  {expected} -> {predicted}: {n}, e.g. {examples[(expected, predicted)]!r}")
    out = ROOT / "results" / "nlu_evaluation.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"figures": figures, "confusions": [
        {"expected": e, "predicted": p, "count": n, "example": examples[(e, p)]}
        for (e, p), n in confusions.most_common()]}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
