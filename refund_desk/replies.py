"""Customer-facing texts built from decisions and records (plain strings, no Rasa)."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from refund_desk.eligibility import Decision
from refund_desk.facts import OUTCOMES
from refund_desk.policy_answers import contact_line, quote
from refund_desk.refund_policy import RefundPolicy

OUTCOME_HEADLINES = {
    ("refund", "eligible"): "Good news: your request qualifies for a refund under the policy.",
    ("refund", "partial"): "Your request qualifies for a partial refund under the policy.",
    ("refund", "review"): "Your request needs a review by the team before a decision.",
    ("refund", "not_eligible"): "I'm sorry: under the policy this request does not qualify for a refund.",
    ("cancellation", "eligible"): "Your cancellation qualifies without penalty.",
    ("cancellation", "partial"): "Your cancellation qualifies for a partial refund.",
    ("cancellation", "review"): "Your cancellation needs a review by the team.",
    ("cancellation", "not_eligible"): "Your cancellation is noted; no refund applies under the policy.",
}
REASON_LABELS = {
    "duplicate_payment": "charged more than once",
    "service_not_rendered": "service never delivered",
    "service_error": "a mistake on the company's side",
    "not_as_described": "not as described",
    "dissatisfied": "not happy with the result",
    "no_longer_needed": "no longer needed",
    "other": "other",
}
SLOT_LABELS = {
    "invoice_number": "Invoice",
    "service_kind": "Service",
    "service_date": "Date",
    "refund_reason": "Reason",
    "service_status": "Work status",
    "issues_resolved": "Issues resolved",
    "amount_paid": "Amount paid",
    "next_billing_date": "Next billing date",
    "customer_name": "Name",
    "customer_email": "E-mail",
}
KIND_NAMES = {"refund": "refund request", "cancellation": "cancellation", "chargeback": "chargeback report",
              "handoff": "hand-off to a person"}


def display(slot: str, value: Any) -> str:
    if slot == "refund_reason":
        return REASON_LABELS.get(value, str(value))
    if slot == "service_kind":
        return {"one_time": "one-time appointment", "recurring": "recurring plan"}.get(value, str(value))
    if slot == "service_status":
        return str(value).replace("_", " ")
    return str(value)


def summary(kind: str, slots: Mapping[str, Any], order: list[str]) -> str:
    lines = [f"Here is your {KIND_NAMES[kind]}:"]
    lines += [f"• {SLOT_LABELS[s]}: {display(s, slots[s])}" for s in order
              if s in SLOT_LABELS and slots.get(s) is not None]
    lines.append("Is that right? (You can also type a correction, like a different e-mail address.)")
    return "\n".join(lines)


def decision_message(decision: Decision, reference: Optional[str], created: bool) -> str:
    lines = [OUTCOME_HEADLINES[(decision.kind, decision.outcome)], decision.summary]
    if decision.estimate:
        e = decision.estimate
        lines.append(f"Estimated amount: {e.amount:,.2f} {e.currency}, worked out as {e.working}"
                     + (f" ({e.note})" if e.note else "") + ". This is an estimate; the team confirms it on review.")
    lines.append(f"This rests on {decision.company}'s refund policy, {quote(decision.clauses[0])}")
    for alt in decision.alternatives:
        lines.append(f"The policy also mentions an alternative: {quote(alt)}")
    if reference:
        if created:
            lines.append(f"I've opened your {KIND_NAMES[decision.kind]}: reference {reference}.")
        else:
            lines.append(f"You already have an open {KIND_NAMES[decision.kind]} for this invoice: "
                         f"reference {reference}. I haven't opened a second one.")
    if decision.next_steps:
        lines.append("What happens next:")
        lines += [f"• {step}" for step in decision.next_steps]
    return "\n".join(lines)


def not_saved_message(policy: RefundPolicy) -> str:
    return ("I'm sorry, I couldn't save your request just now because of a technical problem, so it "
            "has no reference yet. Nothing you told me is lost on your side: please try again in a "
            f"few minutes, or contact support directly. {contact_line(policy)}")


STATUS_TEXTS = {
    "open": "It's open and waiting for the team to pick it up.",
    "in_review": "The team is reviewing it now.",
    "approved": "It has been approved.",
    "denied": "It has been declined.",
    "closed": "It is closed.",
}


def status_message(view: Mapping[str, Any], policy: RefundPolicy) -> str:
    """A customer's own request as records.customer_view gives it: status and next steps, and a
    staff note only when it was marked for the customer."""
    kind = KIND_NAMES.get(view["kind"], view["kind"])
    lines = [f"Your {kind} {view['reference']} (opened {view['created_at'][:10]}): "
             f"{STATUS_TEXTS.get(view['status'], view['status'])}"]
    if view.get("customer_note"):
        lines.append(f"A note from the team: {view['customer_note']}")
    steps = policy.next_steps.get(view["kind"], ())
    if view["status"] in ("open", "in_review"):
        outcome = view.get("eligibility") or "review"
        upcoming = [s.summary for s in steps if outcome in s.outcomes]
    elif view["status"] == "approved":  # what an approval leads to, not what every request goes through
        upcoming = [s.summary for s in steps if "eligible" in s.outcomes and set(s.outcomes) != set(OUTCOMES)]
    else:
        upcoming = []
    if upcoming:
        lines.append("What happens next: " + " ".join(upcoming))
    if view["status"] in ("denied", "closed"):
        lines.append(contact_line(policy))
    return "\n".join(lines)
