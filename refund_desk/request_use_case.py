"""The use case behind every request: decide it under the refund policy and record it.

Plain inputs (RequestDetails, the policy, the store, today) and a plain result (RequestOutcome
with the customer's message): no Rasa here. actions/ map the tracker to RequestDetails and the
outcome to events and messages.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, Optional

from refund_desk import replies
from refund_desk.eligibility import Decision, decide, weigh
from refund_desk.facts import encode_facts
from refund_desk.lookup_limits import Asker
from refund_desk.records import NewRequest, OpenedRequest, RecordStore, RecordStoreUnavailable
from refund_desk.refund_policy import RefundPolicy

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class RequestDetails:
    """What the conversation collected for one request."""

    kind: str
    invoice_number: Optional[str] = None
    facts: Mapping[str, Any] = field(default_factory=dict)  # typed base facts (dates as date)
    customer_name: Optional[str] = None
    customer_email: Optional[str] = None
    customer_phone: Optional[str] = None
    reason_details: Optional[str] = None  # the customer's own words for the reason
    invoice_skipped: bool = False         # the customer could not give the identifier
    not_given: tuple[str, ...] = ()       # details the customer did not have or skipped (noted for staff)
    vague_dates: Mapping[str, str] = field(default_factory=dict)  # "service_date_range": "2026-11-01/2026-11-30"
    follows: Optional[str] = None         # the request this conversation opened before (a hand-off links it)
    refund_declined: bool = False         # a cancellation whose customer said they want no money back
    channel: Optional[str] = None
    sender_id: Optional[str] = None
    client_address: Optional[str] = None  # where the message came from, as the channel saw it

    @property
    def asker(self) -> Asker:
        return Asker(self.sender_id, self.client_address)

    @property
    def has_anything(self) -> bool:
        return any([self.invoice_number, self.facts, self.customer_name, self.customer_email,
                    self.customer_phone, self.reason_details, self.follows])


@dataclass(frozen=True)
class RequestOutcome:
    message: str
    reference: Optional[str] = None
    created: bool = False
    saved: bool = False
    decision: Optional[Decision] = None


def new_request(policy: RefundPolicy, details: RequestDetails, kind: Optional[str] = None,
                decision: Optional[Decision] = None, clauses: tuple[dict[str, str], ...] = ()) -> NewRequest:
    """The record for these details: every fact collected goes into it, coded once."""
    facts = encode_facts(details.facts)
    if details.reason_details:
        facts["reason_details"] = details.reason_details
    if details.customer_phone:
        facts["customer_phone"] = details.customer_phone
    if details.invoice_skipped and not details.invoice_number:
        facts["identifier_missing"] = f"the customer could not give their {policy.identifier.label}"
    if details.not_given:
        facts["not_given"] = list(details.not_given)
    facts.update(details.vague_dates)  # the days a vague date allows, ISO 8601 intervals
    if details.follows:
        facts["follows_request"] = details.follows
    if details.refund_declined:
        facts["refund_declined"] = True
    vague_service_date = "service_date_range" in details.vague_dates
    if vague_service_date:
        facts.pop("service_date", None)  # the day the decision used stands for the whole range
    return NewRequest(
        kind=kind or details.kind,
        invoice_number=details.invoice_number,
        service_date=None if vague_service_date else facts.get("service_date"),  # no guessed day on record
        refund_reason=facts.get("refund_reason"),
        service_kind=facts.get("service_kind"),
        customer_name=details.customer_name,
        customer_email=details.customer_email,
        refund_policy=policy.id,
        channel=details.channel,
        sender_id=details.sender_id,
        facts=facts,
        eligibility=decision.outcome if decision else None,
        policy_clauses=cited_clauses(clauses, decision),
        decision=decision.summary if decision else None,
    )


def cited_clauses(clauses: tuple[dict[str, str], ...], decision: Optional[Decision]) -> tuple[dict[str, str], ...]:
    """The clauses a record cites: those on its kind, then those its decision rests on (no repeats)."""
    cited = [*clauses, *(decision.clause_refs() if decision else ())]
    return tuple(c for i, c in enumerate(cited) if c["id"] not in {d["id"] for d in cited[:i]})


def save(store: RecordStore, request: NewRequest, asker: Optional[Asker] = None) -> Optional[OpenedRequest]:
    """Open the record; None when the database is unavailable (nothing is saved, nothing is promised).
    The asker's existing request found from another conversation counts as a status look-up."""
    try:
        return store.open_request(request, asker=asker)
    except RecordStoreUnavailable as exc:
        # No sender id, SQL or parameters here: logs must not carry personal data.
        log.error("could not save a %s request: %s", request.kind, type(exc.__cause__ or exc).__name__)
        return None


def decide_and_record(policy: RefundPolicy, store: RecordStore, details: RequestDetails,
                      today: date) -> RequestOutcome:
    """A refund or cancellation: the decision, quoted, and its record."""
    decision = decide(policy, details.kind, dict(details.facts), today, details.refund_declined)
    opened = save(store, new_request(policy, details, decision=decision), details.asker)
    if opened is None:
        return RequestOutcome(replies.not_saved_message(policy), decision=decision)
    reference = shown_reference(opened)
    return RequestOutcome(replies.decision_message(decision, reference, opened.created, policy, opened.withheld),
                          reference, opened.created, True, decision)


def shown_reference(opened: OpenedRequest) -> Optional[str]:
    """The reference the customer may be given: none when it was withheld (past the look-up limits)."""
    return None if opened.withheld else opened.reference


def record_chargeback(policy: RefundPolicy, store: RecordStore, details: RequestDetails,
                      today: date) -> RequestOutcome:
    """A chargeback the customer has already filed, recorded for the billing team with how the refund
    policy weighs the refund it disputes (the customer is told only what the policy says on chargebacks)."""
    clauses = tuple({"id": c.id, "section": c.section, "text": c.text} for c in policy.clauses_on("chargeback"))
    decision = weigh(policy, "chargeback", dict(details.facts), today)
    opened = save(store, new_request(policy, details, "chargeback", decision=decision, clauses=clauses),
                  details.asker)
    if opened is None:
        return RequestOutcome(replies.not_saved_message(policy))
    reference = shown_reference(opened)
    return RequestOutcome(replies.chargeback_recorded(policy, reference, opened.created),
                          reference, opened.created, True)


def hand_off(policy: RefundPolicy, store: RecordStore, details: RequestDetails) -> RequestOutcome:
    """The policy's contact details and a hand-off record with everything collected so far."""
    opened = save(store, new_request(policy, details, "handoff"), details.asker)
    reference = shown_reference(opened) if opened else None
    reachable = bool(details.customer_email or details.customer_phone)
    return RequestOutcome(replies.handoff_message(policy, reference, details.has_anything,
                                                  bool(opened and opened.withheld), reachable),
                          reference, bool(opened and opened.created), opened is not None)
