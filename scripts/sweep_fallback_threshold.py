"""Prints what each FallbackClassifier threshold and ambiguity_threshold would give on development text.

    .venv/bin/python scripts/sweep_fallback_threshold.py models/refund-desk.tar.gz

Development text only: 600 CLINC150 *train* rows of off-topic intents that were not sampled into
data/ (seeded), tests/nlu/heldout.yml and tests/nlu/dev_new_words.yml (words the training data
rarely uses). CLINC150's validation split and the customer and words-not-taught held-out files stay
for scripts/evaluate_nlu.py, so tuning never sees what is reported.

An unsure message (below the threshold, or its two best intents closer than the ambiguity
threshold) is offered the likeliest requests as buttons outside a form (refund_desk/choices.py):
for each setting the script prints how many held-out messages are unsure, and how often the
right request is among the buttons of those whose intent is a request.
"""
from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

# scripts/ for clinc150; the project for the model's own components (connectors.policies)
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from clinc150 import development_off_topic  # noqa: E402
from evaluate_nlu import ROOT, nlu_file  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.45, 0.5, 0.6)
AMBIGUITIES = (0.05, 0.1, 0.2)
# Development files (tests/nlu/): never trained on; dev_imagined_customers.yml also has off-topic rows.
DEV_FILES = ("heldout.yml", "dev_new_words.yml", "dev_imagined_customers.yml")


async def rankings(model: Path, texts: list[str]) -> list[list[tuple[str, float]]]:
    """Each text's intent ranking (nlu_fallback left out), best first."""
    from rasa.core.agent import Agent

    from refund_desk.choices import ranking_of

    agent = Agent.load(str(model))
    return [ranking_of(await agent.parse_message(text)) for text in texts]


def is_unsure(ranking: list[tuple[str, float]], threshold: float, ambiguity: float) -> bool:
    """What FallbackClassifier decides: the best below the threshold, or the two best too close."""
    best = ranking[0][1] if ranking else 0.0
    second = ranking[1][1] if len(ranking) > 1 else 0.0
    return best < threshold or best - second < ambiguity


def main() -> int:
    import structlog

    logging.disable(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    model = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "models" / "refund-desk.tar.gz")
    trained = {t.lower() for path in (ROOT / "data").rglob("*.yml") for t, _ in nlu_file(path)}
    dev_off = development_off_topic(trained)
    dev_sets = {name: nlu_file(ROOT / "tests" / "nlu" / name) for name in DEV_FILES}
    from refund_desk.choices import likeliest_requests
    from refund_desk.replies import REQUEST_CHOICES

    off = asyncio.run(rankings(model, dev_off))
    ranked = {name: asyncio.run(rankings(model, [t for t, _ in examples])) for name, examples in dev_sets.items()}
    for th in THRESHOLDS:
        for amb in AMBIGUITIES:
            rejected = sum(1 for r in off if r[0][0] == "out_of_scope" or is_unsure(r, th, amb)) / len(off)
            parts = [f"threshold {th:.2f} ambiguity {amb:.2f}: CLINC150 train off-topic rejected {rejected:.3f}"]
            for name, examples in dev_sets.items():
                wanted = [want for _, want in examples]
                unsure = [(r, want) for r, want in zip(ranked[name], wanted) if is_unsure(r, th, amb)]
                sure = [(r, want) for r, want in zip(ranked[name], wanted) if not is_unsure(r, th, amb)]
                right = sum(1 for r, want in sure if r[0][0] == want)
                off_right = sum(1 for _, want in unsure if want == "out_of_scope")
                requests = [(r, want) for r, want in unsure if want in REQUEST_CHOICES]
                among = sum(1 for r, want in requests if want in likeliest_requests(r))
                n = len(examples)
                parts.append(f"{name} ({n}): confident and right {right / n:.3f}, confident and wrong "
                             f"{(len(sure) - right) / n:.3f}, unsure {len(unsure) / n:.3f}, right or offered "
                             f"{(right + among + off_right) / n:.3f}; right request among the buttons "
                             f"{among}/{len(requests)}")
            print("; ".join(parts), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
