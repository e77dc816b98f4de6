"""Answers to refund-policy questions, quoted from the clauses of the active refund policy."""
from __future__ import annotations

import re
from typing import Optional

from refund_desk.parsing import clip
from refund_desk.refund_policy import Clause, RefundPolicy

# Checked in order: the first topic whose pattern matches the question wins.
TOPIC_PATTERNS: tuple[tuple[str, str], ...] = (
    ("chargeback", r"charge\s?-?back|dispute|reverse the (charge|payment)|my bank|card (company|issuer)"),
    ("contact", r"contact|e-?mail|phone|call you|reach (you|someone|support)|address|talk to"),
    ("timeline", r"how long|how soon|how many (business )?days|when (will|would|do|can) i (get|receive|see)|time ?frame|take to|processing time|how quickly"),
    ("subscription", r"subscri|monthly|annual|yearly|recurring|plan\b|pro-?rat|unused|billing (cycle|period)"),
    ("cancellation", r"cancel|cancellation|late fee|reschedul|notice"),
    ("non_refundable", r"non-?refundable|not refundable|can'?t be refunded|cannot be refunded|no refund|exclu|what (is|isn'?t|can'?t) (not )?refund"),
    ("process", r"how (do|can|would) i (request|get|ask|apply|claim|start|submit)|process|steps|what do i need|what information|documents"),
    ("refundable", r"refundable|eligib|qualif|money back|can i get a refund|what.*refund|when .*refund"),
    ("alternatives", r"instead of a refund|credit|re-?deliver|extension|alternative"),
)


def detect_topic(question: Optional[str]) -> str:
    text = clip(question).lower().replace("’", "'")
    for topic, pattern in TOPIC_PATTERNS:
        if re.search(pattern, text):
            return topic
    return "general"


def quote(clause: Clause) -> str:
    return f"“{clause.text}” ({clause.section})"


def contact_line(policy: RefundPolicy) -> str:
    ways = list(policy.contact.emails) + list(policy.contact.phones)
    return "You can reach a person at " + ", ".join(ways) + "." if ways else quote(policy.contact.clause)


def answer_policy_question(policy: RefundPolicy, question: Optional[str], limit: int = 3) -> tuple[str, list[Clause]]:
    """The answer text and the clauses it quotes; a topic the policy does not cover says so."""
    topic = detect_topic(question)
    clauses = policy.clauses_on(topic)[:limit]
    if topic == "contact":
        clauses = [policy.contact.clause]
    if not clauses:
        return (f"{policy.company}'s refund policy doesn't say anything about that. "
                f"{contact_line(policy)}"), []
    lines = [f"Here is what {policy.company}'s refund policy says:"]
    lines += [f"• {quote(c)}" for c in clauses]
    return "\n".join(lines), clauses
