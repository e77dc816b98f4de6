"""CLINC150 as Refund Desk uses it: which of its intents are ours, which are off-topic, and its rows."""
from __future__ import annotations

import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "clinc150" / "clinc150_train_val.json"

# CLINC intents that are intents of ours: trained as ours, never counted as off-topic.
OURS = {
    "greeting": "greet",
    "goodbye": "goodbye",
    "thank_you": "thank",
    "are_you_a_bot": "bot_challenge",
    "yes": "affirm",
    "no": "deny",
    "cancel": "stop",  # "never mind, cancel that": stop what is in progress
}
# CLINC intents that come near ours (a fraud report reads like a chargeback, "track my order"
# like a status check, "cancel my reservation" like a cancellation): taught as neither ours nor
# off-topic, so that the classifier is not told that refund-like words are off-topic. Their
# validation rows still count in the off-topic measurement.
NEAR_OURS = ("report_fraud", "transactions", "bill_balance", "pay_bill", "order_status",
             "application_status", "cancel_reservation", "bill_due", "maybe", "make_call")


def rows(split: str) -> list[tuple[str, str]]:
    """One split's rows as (text, CLINC intent); the out-of-scope splits are labelled 'oos'."""
    return [(text, intent) for text, intent in json.loads(CORPUS.read_text())[split]]


def off_topic_intents(split: str = "train") -> list[str]:
    """CLINC intents that are not a refund desk's business (neither ours nor near ours)."""
    return sorted({i for _, i in rows(split)} - set(OURS) - set(NEAR_OURS))


def development_off_topic(trained: set[str], size: int = 600, seed: int = 7) -> list[str]:
    """The sweeps' off-topic development rows: a seeded sample of CLINC150 *train* rows of off-topic
    intents that are not in the training data (`trained`: its texts, lower case)."""
    import random

    off_topic = set(off_topic_intents())
    return random.Random(seed).sample(
        [t for t, i in rows("train") if i in off_topic and t.lower() not in trained], size)
