"""Which requests to offer when the classifier is unsure what a message asks.

The classifier's FallbackClassifier (config.yml) marks a message `nlu_fallback` when its best
intent is below a confidence or the two best are close; outside a form the customer is then
offered the likeliest requests as buttons (refund_desk.replies.REQUEST_CHOICES) instead of a
guess or "I didn't understand". Thresholds were chosen on development text only
(scripts/sweep_fallback_threshold.py).
"""
from __future__ import annotations

from typing import Iterable, Mapping, Optional

from refund_desk.replies import REQUEST_CHOICES

MOST_CHOICES = 3
# A request less likely than this is not offered, unless fewer than two would be left.
LEAST_CHOICE_CONFIDENCE = 0.05
FEWEST_CHOICES = 2


def likeliest_requests(ranking: Iterable[tuple[str, float]], most: int = MOST_CHOICES,
                       least_confidence: float = LEAST_CHOICE_CONFIDENCE) -> list[str]:
    """The requests to offer, likeliest first: up to `most` of the ranking's offerable intents
    with at least `least_confidence`, topped up to two from the likeliest below it."""
    offerable = [(name, confidence) for name, confidence in sorted(ranking, key=lambda r: -r[1])
                 if name in REQUEST_CHOICES]
    chosen = [name for name, confidence in offerable[:most] if confidence >= least_confidence]
    for name, _ in offerable:
        if len(chosen) >= min(FEWEST_CHOICES, most):
            break
        if name not in chosen:
            chosen.append(name)
    return chosen


def ranking_of(parse_data: Mapping) -> list[tuple[str, float]]:
    """(intent, confidence) pairs of a parse's intent ranking, nlu_fallback left out."""
    return [(r["name"], float(r.get("confidence") or 0.0)) for r in parse_data.get("intent_ranking") or []
            if r.get("name") and r["name"] != "nlu_fallback"]


def chosen_request(text: Optional[str]) -> Optional[str]:
    """The request a click on an offered choice sent: the intent whose payload the text is
    ("/request_refund"), or None for anything else."""
    text = (text or "").strip()
    return text[1:] if text.startswith("/") and text[1:] in REQUEST_CHOICES else None
