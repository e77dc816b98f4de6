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
    ("subscription", r"subscri|monthly|annual|yearly|recurring|plan\b|pro-?rat|unused|billing (cycle|period)|"
                     r"rest of the (month|year|period|term)|remaining (days|time|month|period)|partial month"),
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


def contact_ways(policy: RefundPolicy) -> str:
    """The policy's e-mail addresses and phone numbers, or its contact sentence when it gives none."""
    ways = list(policy.contact.emails) + list(policy.contact.phones)
    return ", ".join(ways) if ways else quote(policy.contact.clause)


def contact_line(policy: RefundPolicy) -> str:
    ways = list(policy.contact.emails) + list(policy.contact.phones)
    return f"You can reach a person at {contact_ways(policy)}." if ways else contact_ways(policy)


# Specific things customers ask about, and the words a policy sentence uses for them. A question
# naming one is answered with the sentences that use those words, or "the policy doesn't say".
SPECIFIC_TERMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\bcredit\b|store credit|account credit", ("credit",)),
    (r"cheque|\bcheck\b|bank transfer|wire|cash|paypal|payment method|different card|another card|gift card",
     ("payment method", "original payment")),
    (r"pro-?rat|rest of the (month|year|period)|unused|remaining", ("prorat", "pro-rat", "unused")),
    (r"suspend|suspension|blocked|ban", ("suspen",)),
    (r"reschedul|move (the|my) appointment", ("reschedul",)),
    (r"late fee|cancellation fee|\bfee\b|penalt", ("fee", "penalt")),
    (r"partial refund", ("partial",)),
)


def _specific_clauses(policy: RefundPolicy, text: str) -> Optional[list[Clause]]:
    """The clauses using the words of a specific thing the question names; None when it names none."""
    for pattern, words in SPECIFIC_TERMS:
        if re.search(pattern, text):
            return [c for c in policy.clauses if any(w in c.text.lower() for w in words)]
    return None


def answer_policy_question(policy: RefundPolicy, question: Optional[str], limit: int = 3) -> tuple[str, list[Clause]]:
    """The answer text and the clauses it quotes; where the policy is silent the answer says so.

    A question about something specific (a service credit, a refund by cheque) quotes the sentences
    about that; a question without a topic is never answered with the policy's general clauses.
    """
    text = clip(question).lower().replace("’", "'")
    topic = detect_topic(text)
    specific = _specific_clauses(policy, text) if topic not in ("contact",) else None
    if specific is not None:
        clauses = specific[:limit]
    elif topic == "contact":
        clauses = [policy.contact.clause]
    elif topic == "general":  # the policy as a whole, or something it may not cover
        clauses = policy.clauses_on("general")[:limit] if re.search(
            r"polic|terms|rules|conditions|overview|summar|in general", text) else []
    else:
        clauses = policy.clauses_on(topic)[:limit]
    if not clauses:
        return (f"{policy.policy_name[:1].upper() + policy.policy_name[1:]} doesn't say anything about that. "
                f"{contact_line(policy)}"), []
    lines = [f"Here is what {policy.policy_name} says:"]
    lines += [f"• {quote(c)}" for c in clauses]
    return "\n".join(lines), clauses
