"""E-mail: what each refund policy's billing mailbox and the customer receive, the outbox written with
the record, and delivery to a real SMTP server (aiosmtpd) that goes down and comes back."""
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from refund_desk.mail import MailSettings, RequestMail, billing_mailbox
from refund_desk.outbox import MailOutbox, OutboxMessage, SmtpTransport, backoff, deliver_due, outbox_counts
from refund_desk.records import NewRequest, RecordStore
from refund_desk.refund_policy_loader import load_refund_policy
from tests.support.servers import free_port

POLICIES = Path(__file__).resolve().parents[2] / "refund_policies"
CONSOLE = "http://127.0.0.1:8090"
CLAUSE = {"id": "duplicate_payment", "section": "2. Eligible Refund Situations",
          "text": "Duplicate Payment: If you were accidentally charged more than once for the same service."}


def request(**overrides) -> NewRequest:
    values = dict(kind="refund", invoice_number="INV-20431", service_date="2026-11-17",
                  refund_reason="duplicate_payment", customer_name="Jane Doe", customer_email="jane@example.com",
                  eligibility="eligible", refund_policy="pro_it_assist", policy_clauses=(CLAUSE,),
                  facts={"reason_details": "charged twice on my card"}, decision="Refunded in full.",
                  channel="rest", sender_id="s-1")
    values.update(overrides)
    return NewRequest(**values)


def store_for(tmp_path, policy_file="pro_it_assist.yml", mailbox=None) -> RecordStore:
    mail = RequestMail(load_refund_policy(POLICIES / policy_file), MailSettings(mailbox, CONSOLE))
    return RecordStore(f"sqlite:///{tmp_path / 'records.db'}", MailOutbox(mail))


def rows(store: RecordStore) -> list[OutboxMessage]:
    with Session(store.engine) as session:
        return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


@pytest.mark.parametrize("policy_file, configured, mailbox", [
    ("pro_it_assist.yml", None, "support@proitassist.com"),
    ("itmediasolutions.yml", None, "billing@itmediasolutions.us"),
    ("webpro_it_solutions.yml", None, None),  # its address has spaces in it: not one to send to
    ("pro_spherent.yml", None, None),  # it gives none
    ("pro_spherent.yml", "refunds@example.com", "refunds@example.com"),
])
def test_the_billing_mailbox_is_the_setting_or_the_policy_contact(policy_file, configured, mailbox):
    assert billing_mailbox(load_refund_policy(POLICIES / policy_file), configured) == mailbox


def test_pro_it_assist_gets_its_own_format_and_the_customer_a_confirmation(tmp_path):
    store = store_for(tmp_path)
    opened = store.open_request(request())
    billing, customer = rows(store)
    assert billing.recipient == "support@proitassist.com" and billing.reply_to == "jane@example.com"
    assert billing.subject == f"Refund Request {opened.reference}"
    lines = billing.body.splitlines()
    order = [next(i for i, line in enumerate(lines) if line.startswith(label))
             for label in ("Name: Jane Doe", "Service date: ", "Invoice number: INV-20431", "Reason: charged more than once")]
    assert order == sorted(order)  # in the policy's order: name, service date, invoice number, reason
    assert "In the customer's words: charged twice on my card" in billing.body
    assert f"{CONSOLE}/requests/{opened.reference}" in billing.body
    assert "Duplicate Payment: If you were accidentally charged more than once" in billing.body
    assert customer.recipient == "jane@example.com" and opened.reference in customer.subject
    assert "Hello Jane Doe" in customer.body and opened.reference in customer.body
    assert "What happens next" in customer.body


def test_a_policy_without_a_format_gets_a_plain_summary_with_its_identifier(tmp_path):
    store = store_for(tmp_path, "itmediasolutions.yml")
    opened = store.open_request(request(refund_policy="itmediasolutions"))
    billing = rows(store)[0]
    assert billing.subject == f"Refund request {opened.reference}"
    assert "Invoice or order number: INV-20431" in billing.body and "Reason: charged more than once" in billing.body


def test_webpro_names_its_customer_id_and_the_plan(tmp_path):
    store = store_for(tmp_path, "webpro_it_solutions.yml", mailbox="billing@example.com")
    store.open_request(request(invoice_number="WP-100482", service_kind="recurring",
                               facts={"amount_paid": 199.0}, refund_policy="webpro_it_solutions"))
    body = rows(store)[0].body
    assert "Customer ID: WP-100482" in body and "Kind of service: recurring plan" in body
    assert "Amount paid: 199.0" in body


def test_no_customer_e_mail_no_confirmation_and_the_same_request_twice_writes_nothing_more(tmp_path):
    store = store_for(tmp_path)
    store.open_request(request(customer_email=None, sender_id="s-2"))
    assert [r.recipient for r in rows(store)] == ["support@proitassist.com"]
    store.open_request(request(customer_email=None, sender_id="s-2"))  # the same request: its reference again
    assert len(rows(store)) == 1


def test_a_note_for_the_customer_is_e_mailed_to_them_a_staff_note_is_not(tmp_path):
    store = store_for(tmp_path)
    reference = store.open_request(request()).reference
    store.set_status(reference, "in_review", actor="agent@example.com", note="checking the bank statement")
    assert len(rows(store)) == 2
    store.set_status(reference, "approved", actor="agent@example.com", note="Refund sent today", for_customer=True)
    note = rows(store)[-1]
    assert note.recipient == "jane@example.com" and "Refund sent today" in note.body
    assert "checking the bank statement" not in note.body


def test_without_a_listener_nothing_is_written(tmp_path):
    store = RecordStore(f"sqlite:///{tmp_path / 'records.db'}")
    store.open_request(request())
    assert rows(store) == []


class Collected:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_port():
    return free_port()


def start_smtp(port: int, inbox: Collected) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def test_delivered_once_each_through_a_mail_server_that_goes_down_and_comes_back(tmp_path, smtp_port):
    store = store_for(tmp_path)
    first = store.open_request(request()).reference
    inbox = Collected()
    transport = SmtpTransport(f"smtp://127.0.0.1:{smtp_port}")
    # a minute after the real time the rows are written at (a fixed date here stops being due once it is past)
    clock = [datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(minutes=1)]

    def now():
        return clock[0]

    server = start_smtp(smtp_port, inbox)
    try:
        assert deliver_due(store.engine, transport, "desk@example.com", now).sent == 2
    finally:
        server.stop()
    second = store.open_request(request(invoice_number="INV-30001", sender_id="s-9")).reference
    report = deliver_due(store.engine, transport, "desk@example.com", now)  # the server is down
    assert (report.sent, report.failed) == (0, 2)
    assert outbox_counts(store.engine) == {"sent": 2, "waiting": 0, "retrying": 2}
    assert deliver_due(store.engine, transport, "desk@example.com", now).failed == 0  # not due yet
    server = start_smtp(smtp_port, inbox)
    try:
        clock[0] += backoff(1)
        assert deliver_due(store.engine, transport, "desk@example.com", now).sent == 2
        assert deliver_due(store.engine, transport, "desk@example.com", now).sent == 0  # nothing twice
    finally:
        server.stop()
    subjects = [m["Subject"] for m in inbox.messages]
    assert len(subjects) == 4 and len({m["Message-ID"] for m in inbox.messages}) == 4
    assert sum(first in s for s in subjects) == 2 and sum(second in s for s in subjects) == 2
    assert {m["From"] for m in inbox.messages} == {"desk@example.com"}
    stored_ids = {r.message_id for r in rows(store)}
    assert {m["Message-ID"] for m in inbox.messages} == stored_ids


def test_retries_back_off_to_once_a_minute():
    assert [backoff(n).total_seconds() for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]
    assert max(backoff(n) for n in range(1, 50)) <= timedelta(minutes=1)
