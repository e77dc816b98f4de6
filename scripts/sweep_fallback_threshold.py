"""Prints what each FallbackClassifier threshold would give on development text (for tuning).

    .venv/bin/python scripts/sweep_fallback_threshold.py models/refund-desk.tar.gz

Development text only: 600 CLINC150 *train* rows of off-topic intents that were not sampled into
data/ (seeded), and tests/nlu/heldout.yml. CLINC150's validation split and the customer held-out
files stay for scripts/evaluate_nlu.py, so tuning never sees what is reported.
"""
from __future__ import annotations

import asyncio
import logging
import random
import sys
from pathlib import Path

# scripts/ for clinc150; the project for the model's own components (connectors.policies)
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from clinc150 import off_topic_intents, rows  # noqa: E402
from evaluate_nlu import ROOT, nlu_file  # noqa: E402

THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)


async def top_intents(model: Path, texts: list[str]) -> list[tuple[str, float]]:
    """The best intent other than nlu_fallback, with its confidence, for each text."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    found = []
    for text in texts:
        parsed = await agent.parse_message(text)
        ranking = parsed.get("intent_ranking") or [parsed["intent"]]
        top = next((r for r in ranking if r["name"] != "nlu_fallback"), parsed["intent"])
        found.append((top["name"], top["confidence"]))
    return found


def main() -> int:
    import structlog

    logging.disable(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    model = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "models" / "refund-desk.tar.gz")
    trained = {t.lower() for path in (ROOT / "data").rglob("*.yml") for t, _ in nlu_file(path)}
    off_topic = set(off_topic_intents())
    dev_off = random.Random(7).sample(
        [t for t, i in rows("train") if i in off_topic and t.lower() not in trained], 600)
    own = nlu_file(ROOT / "tests" / "nlu" / "heldout.yml")
    off = asyncio.run(top_intents(model, dev_off))
    ins = asyncio.run(top_intents(model, [t for t, _ in own]))
    for th in THRESHOLDS:
        rejected = sum(1 for name, conf in off if name == "out_of_scope" or conf < th) / len(off)
        right = sum(1 for (name, conf), (_, want) in zip(ins, own) if name == want and conf >= th) / len(own)
        print(f"threshold {th:.1f}: CLINC150 train off-topic rejected {rejected:.3f}, "
              f"own held-out accuracy {right:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
