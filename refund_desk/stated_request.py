"""Which request a message states in its own words when the classifier placed it elsewhere.

A customer's first message is often a story ("the audit report only covers the perimeter, this
is not what we paid for") that the classifier takes for off-topic, an unanswerable policy
question or a status check. Outside a form such a message opens the request it states:
- a refund when it asks for money back or gives a reason a service should be refunded
  (form_reading.reads_as_a_refund_request: the trained reason reader);
- a chargeback already filed, a cancellation or a person when its words name one *and* the
  classifier ranked that request among its likeliest ones (words alone are not enough: "cancel
  my dinner reservation" names cancelling, but no service of ours).
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional

from refund_desk.form_reading import (already_disputed, asks_for_a_person, asks_to_cancel,
                                      reads_as_a_refund_request)

REFUND, CANCELLATION, CHARGEBACK_FILED, HANDOFF = "refund", "cancellation", "chargeback_filed", "handoff"
# How likely the classifier must find the request the words name (any place of its ranking).
CORROBORATING_CONFIDENCE = 0.15

# request -> (what the words must say, the intents that corroborate it), tried in this order
_WORDS_AND_INTENTS: tuple[tuple[str, Callable[[Optional[str]], bool], frozenset[str]], ...] = (
    (CHARGEBACK_FILED, already_disputed, frozenset({"chargeback", "chargeback_filed"})),
    (CANCELLATION, asks_to_cancel, frozenset({"cancel_service"})),
    (HANDOFF, asks_for_a_person, frozenset({"request_human"})),
)


def stated_request(text: Optional[str], ranking: Iterable[tuple[str, float]]) -> Optional[str]:
    """The request the message states (REFUND, CANCELLATION, CHARGEBACK_FILED, HANDOFF), or None."""
    likely = {name for name, confidence in ranking if confidence >= CORROBORATING_CONFIDENCE}
    for request, says_it, intents in _WORDS_AND_INTENTS:
        if says_it(text) and likely & intents:
            return request
    return REFUND if reads_as_a_refund_request(text) else None
