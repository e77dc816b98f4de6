"""The e-mails a request causes: to the company's billing mailbox (in the refund policy's own format
where it gives one) and to the customer (the reference, the next steps, a note from the team).

Plain values only: refund_desk.outbox stores them in the same transaction as the record and a
sender delivers them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from refund_desk.policy_answers import quote
from refund_desk.records import customer_view
from refund_desk.refund_policy import RefundPolicy
from refund_desk.replies import KIND_NAMES, SLOT_LABELS, display, status_message

_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
FIELD_LABELS = {**SLOT_LABELS, "customer_name": "Name", "service_date": "Service date", "reason_details": "In the customer's words",
                "customer_phone": "Phone"}
OUTCOME_WORDS = {"eligible": "eligible", "partial": "a partial refund", "not_eligible": "not eligible",
                 "review": "left to the team's review"}


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    reply_to: Optional[str] = None


@dataclass(frozen=True)
class MailSettings:
    billing_mailbox: Optional[str]  # BILLING_MAILBOX, else the policy's contact address
    console_url: str


def billing_mailbox(policy: RefundPolicy, configured: Optional[str]) -> Optional[str]:
    """Where requests go: BILLING_MAILBOX, else the first well-formed address of the policy's contact clause."""
    if configured:
        return configured
    return next((e for e in policy.contact.emails if _ADDRESS.match(e)), None)


def _value(record: Mapping[str, Any], name: str) -> Optional[str]:
    value = record.get(name)
    if value is None:
        value = (record.get("facts") or {}).get(name)
    return None if value in (None, "") else display(name, value)


class RequestMail:
    """The e-mails of one refund policy's requests."""

    def __init__(self, policy: RefundPolicy, settings: MailSettings):
        self.policy = policy
        self.settings = settings
        self.mailbox = billing_mailbox(policy, settings.billing_mailbox)

    def for_new_request(self, record: Mapping[str, Any]) -> list[Email]:
        emails = []
        if self.mailbox:
            emails.append(self.to_billing(record))
        if record.get("customer_email"):
            emails.append(self.to_customer(record))
        return emails

    def for_customer_note(self, record: Mapping[str, Any]) -> list[Email]:
        """After a status change with a note for the customer: the customer hears it by e-mail too."""
        if not record.get("customer_email"):
            return []
        view = customer_view(dict(record))
        return [Email(record["customer_email"], self._customer_subject(record, "update on your"),
                      status_message(view, self.policy) + self._sign_off(), self.mailbox)]

    def to_billing(self, record: Mapping[str, Any]) -> Email:
        fmt = self.policy.request_email
        kind = KIND_NAMES.get(record["kind"], record["kind"])
        subject = f"{fmt.subject} {record['reference']}" if fmt and fmt.subject else \
            f"{kind[:1].upper()}{kind[1:]} {record['reference']}"
        fields = fmt.fields if fmt else ("customer_name", "customer_email", "invoice_number", "service_date",
                                         "refund_reason", "reason_details")
        labels = {**FIELD_LABELS, "invoice_number": self.policy.identifier.label[:1].upper()
                  + self.policy.identifier.label[1:]}
        lines = [f"{labels.get(f, f)}: {_value(record, f) or 'not given'}" for f in fields]
        extra = [f for f in ("customer_email", "customer_phone") if f not in fields and _value(record, f)]
        lines += [f"{labels[f]}: {_value(record, f)}" for f in extra]
        lines += ["", f"Reference: {record['reference']} ({kind}, channel: {record.get('channel') or 'unknown'})"]
        if record.get("eligibility"):
            lines.append(f"Decision: {OUTCOME_WORDS.get(record['eligibility'], record['eligibility'])}"
                         f" — {record.get('decision') or ''}".rstrip(" —"))
        for clause in record.get("policy_clauses") or []:
            lines.append(f"Clause: “{clause['text']}” ({clause['section']})")
        if record.get("related_reference"):
            lines.append(f"Related request: {record['related_reference']}")
        lines += ["", f"Open it in the console: {self.settings.console_url.rstrip('/')}/requests/{record['reference']}"]
        if fmt:
            lines += ["", "Written as the refund policy asks: " + " ".join(quote(c) for c in fmt.clauses)]
        return Email(self.mailbox or "", subject, "\n".join(lines), record.get("customer_email"))

    def to_customer(self, record: Mapping[str, Any]) -> Email:
        view = customer_view(dict(record))
        body = [f"Hello{' ' + record['customer_name'] if record.get('customer_name') else ''},", "",
                f"We have your {KIND_NAMES.get(record['kind'], record['kind'])}. Its reference is "
                f"{record['reference']}: please keep it in the subject when you reply.", "",
                status_message(view, self.policy)]
        return Email(record["customer_email"], self._customer_subject(record, "your"),
                     "\n".join(body) + self._sign_off(), self.mailbox)

    def _customer_subject(self, record: Mapping[str, Any], lead: str) -> str:
        kind = KIND_NAMES.get(record["kind"], record["kind"])
        company = self.policy.company_name
        return f"{lead[:1].upper()}{lead[1:]} {kind} {record['reference']}" + (f" — {company}" if company else "")

    def _sign_off(self) -> str:
        return "\n\nThis message was sent by the refund desk assistant" + (
            f" of {self.policy.company_name}." if self.policy.company_name else ".")
