"""Customers who write in another language, over the REST webhook of the real servers."""
import pytest

from tests.e2e.conftest import say
from tests.e2e.test_conversations import reference_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("text, words", [
    ("Me cobraron dos veces la factura INV-55120, quiero un reembolso", "solo puedo atenderle en inglés"),
    ("Guten Tag, ich möchte mein Wartungsabonnement kündigen", "nur auf Englisch"),
    ("Bonjour, où en est mon remboursement pour la facture 4471 ?", "qu'en anglais"),
])
def test_a_request_in_another_language_is_answered_in_it_with_the_contact(assistant, sender, text, words):
    answer = say(assistant, sender, text)
    assert words in answer and "support@proitassist.com" in answer
    assert not [r for r in assistant.cli_json("requests", "list") if r["sender_id"] == sender]


def test_si_at_the_summary_is_a_yes_and_a_spanish_message_inside_the_form_keeps_it(assistant, sender):
    say(assistant, sender, "I was charged twice for invoice INV-30588 last Tuesday")
    inside = say(assistant, sender, "Perdón, ¿puedo escribir en español por favor?")
    assert "solo puedo atenderle en inglés" in inside and "full name" in inside  # the form goes on
    say(assistant, sender, "Lucía Fernández")
    summary = say(assistant, sender, "lucia.fernandez@example.es")
    assert "INV-30588" in summary
    outcome = say(assistant, sender, "sí")
    record = assistant.cli_json("requests", "show", reference_in(outcome))
    assert record["invoice_number"] == "INV-30588" and record["customer_name"] == "Lucía Fernández"
