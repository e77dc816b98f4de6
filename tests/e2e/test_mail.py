"""E-mail end to end: a refund over REST on the real servers writes the billing and the customer's
e-mails with the record; the sender (`refund-desk mail run`) delivers them to a real SMTP server."""
import pytest

from tests.e2e.conftest import say
from tests.e2e.test_conversations import reference_in
from tests.support.servers import free_port, running_assistant
from tests.unit.test_mail import Collected, start_smtp

pytestmark = pytest.mark.e2e


def test_a_refund_reaches_the_billing_mailbox_and_the_customer_once(sender):
    port = free_port()
    inbox = Collected()
    smtp = start_smtp(port, inbox)
    try:
        with running_assistant({"SMTP_URL": f"smtp://127.0.0.1:{port}", "MAIL_FROM": "desk@example.com"}) as a:
            say(a, sender, "I was charged twice for invoice INV-20431 last Tuesday")
            say(a, sender, "Jane Doe")
            say(a, sender, "jane.doe@example.com")
            reference = reference_in(say(a, sender, "yes"))
            assert a.cli("mail", "run", "--once").returncode == 0
            assert a.cli("mail", "run", "--once").returncode == 0  # a second round sends nothing again
    finally:
        smtp.stop()
    by_recipient = {m["To"]: m for m in inbox.messages}
    assert len(inbox.messages) == 2
    billing = by_recipient["support@proitassist.com"]
    assert billing["Subject"] == f"Refund Request {reference}" and billing["Reply-To"] == "jane.doe@example.com"
    body = billing.get_payload()
    assert "Name: Jane Doe" in body and "Invoice number: INV-20431" in body and "charged more than once" in body
    customer = by_recipient["jane.doe@example.com"]
    assert reference in customer["Subject"] and reference in customer.get_payload()
