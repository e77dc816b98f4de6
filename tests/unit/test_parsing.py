"""Reading customers' words: invoice numbers, dates, e-mails, reasons, names."""
from datetime import date

import pytest

from refund_desk.parsing import (MAX_TEXT, classify_reason, parse_amount, parse_count, parse_date,
                                 parse_email, parse_invoice_number, parse_name, parse_reference,
                                 parse_service_kind, parse_service_status)

TODAY = date(2026, 11, 21)  # a Saturday


@pytest.mark.parametrize("text, answer, expected", [
    ("INV-20431", False, "INV-20431"),
    ("inv 20431", False, "INV-20431"),
    ("#20431", False, "INV-20431"),
    ("invoice number 20431", False, "INV-20431"),
    ("Invoice #: 20431", False, "INV-20431"),
    ("charged twice for invoice INV-20431 last Tuesday", False, "INV-20431"),
    ("inv20431", False, "INV-20431"),
    ("20431", True, "INV-20431"),
    ("20431", False, None),            # a bare number is only an invoice when we asked for one
    ("it's 88812", True, "INV-88812"),
    ("hello", True, None),
    ("12", True, None),                # too short to be an invoice number
    ("03/14/2026", True, None),
    ("SELECT * FROM invoices", True, None),
])
def test_invoice_numbers_normalise(text, answer, expected):
    assert parse_invoice_number(text, answer=answer) == expected


@pytest.mark.parametrize("text, prefer, expected", [
    ("yesterday", "past", date(2026, 11, 20)),
    ("last Tuesday", "past", date(2026, 11, 17)),
    ("3 days ago", "past", date(2026, 11, 18)),
    ("March 3", "past", date(2026, 3, 3)),
    ("03/14/2026", "past", date(2026, 3, 14)),
    ("2026-03-14", "past", date(2026, 3, 14)),
    ("it was on march 3rd", "past", date(2026, 3, 3)),
    ("next friday", "past", date(2026, 11, 27)),     # 'next' wins over the preference
    ("Nov 25", "future", date(2026, 11, 25)),
    ("Nov 25", "past", date(2025, 11, 25)),
    ("tomorrow", "past", date(2026, 11, 22)),
    ("banana", "past", None),
    ("Jane Doe", "past", None),
    ("invoice INV-20431", "past", None),               # invoice digits are not a date
])
def test_dates_read_relative_to_today(text, prefer, expected):
    assert parse_date(text, TODAY, prefer=prefer).value == expected


@pytest.mark.parametrize("text, expected", [
    ("jane@example.com", "jane@example.com"),
    ("reach me at Bob.Smith@Mail.CO.uk please", "Bob.Smith@mail.co.uk"),
    ("jane@", None),
    ("jane at example dot com", None),
    ("a..b@example.com", None),
    ("@example.com", None),
])
def test_emails(text, expected):
    assert parse_email(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("I was charged twice", "duplicate_payment"),
    ("you double billed me!!", "duplicate_payment"),
    ("the technician never showed up", "service_not_rendered"),
    ("The service was never delivered", "service_not_rendered"),
    ("There was a mistake by your team", "service_error"),
    ("It was not as described", "not_as_described"),
    ("I'm not happy with the result", "dissatisfied"),
    ("it didn't fix my problem", "dissatisfied"),
    ("I don't need it anymore", "no_longer_needed"),
    ("other", "other"),
    ("banana", None),
])
def test_reasons(text, expected):
    assert classify_reason(text) == expected


@pytest.mark.parametrize("parse, text, expected", [
    (parse_service_kind, "a one-time appointment", "one_time"),
    (parse_service_kind, "my monthly plan", "recurring"),
    (parse_service_kind, "hmm", None),
    (parse_service_status, "work has not started", "not_started"),
    (parse_service_status, "they started already", "started"),
    (parse_service_status, "it was delivered", "delivered"),
    (parse_count, "none", 0),
    (parse_count, "2", 2),
    (parse_count, "three of them", 3),
    (parse_amount, "$1,200.50", 1200.5),
    (parse_amount, "we paid 149.99 dollars", 149.99),
    (parse_amount, "no idea", None),
    (parse_reference, "status of rf-7k3q9x?", "RF-7K3Q9X"),
    (parse_reference, "RF 7K3Q9X", "RF-7K3Q9X"),
    (parse_reference, "rf-7k3q9", None),
    (parse_name, "my name is Carlos Pérez", "Carlos Pérez"),
    (parse_name, "李伟", "李伟"),
    (parse_name, "jane@example.com", None),
    (parse_name, "12345", None),
])
def test_other_facts(parse, text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize("text", [
    "x" * 100_000,
    "🙂" * 6000,
    "<script>alert(1)</script>",
    "'; DROP TABLE requests; --",
    "\x00\x01\x02",
    "",
])
def test_odd_input_never_crashes(text):
    assert parse_invoice_number(text, answer=True) is None
    assert parse_date(text, TODAY).value is None
    assert parse_email(text) is None
    assert classify_reason(text) is None


def test_long_messages_are_read_only_up_to_the_limit():
    assert parse_invoice_number("x " * MAX_TEXT + "INV-20431") is None
    assert parse_invoice_number("INV-20431 " + "x " * MAX_TEXT) == "INV-20431"
