"""The refund-policy loader rejects malformed files, naming each problem's place and cause."""
from __future__ import annotations

from pathlib import Path

import pytest

from refund_desk.refund_policy_loader import RefundPolicyError, check_refund_policy, load_refund_policy

# A small valid policy. Line numbers below refer to this text (line 1 is "id: tiny").
VALID = """\
id: tiny
company: Tiny Fixers
clauses:
  - id: duplicate
    section: Refunds
    text: Duplicate payments are refunded.
    topics: [refundable]
    rules:
      - kind: refund
        when: {refund_reason: duplicate_payment}
        outcome: eligible
        summary: Duplicate payments are refunded.
        estimate:
          formula: amount_paid
  - id: review
    section: Refunds
    text: Everything else is reviewed.
    topics: [general]
  - id: contact
    section: Contact
    text: Write to help@tiny.example.
    topics: [contact]
fallback:
  refund:
    clause: review
    summary: Reviewed.
  cancellation:
    clause: review
    summary: Reviewed.
contact:
  clause: contact
  emails: [help@tiny.example]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yml"
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(RefundPolicyError) as info:
        load_refund_policy(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    assert check_refund_policy(path) == info.value.errors
    return info.value.errors


def replaced(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


def test_the_valid_example_loads(tmp_path: Path) -> None:
    policy = load_refund_policy(write(tmp_path, VALID))
    assert [c.id for c in policy.clauses] == ["duplicate", "review", "contact"]
    assert policy.rules[0].when == {"refund_reason": {"eq": "duplicate_payment"}}
    assert policy.fallbacks["cancellation"].outcome == "review"
    assert check_refund_policy(write(tmp_path, VALID)) == []


def test_unknown_fact(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, replaced("when: {refund_reason: duplicate_payment}",
                                          "when: {refund_reason: duplicate_payment, colour: red}"))
    assert len(errors) == 1
    assert errors[0].startswith("clauses[0].rules[0].when.colour (line 10): unknown fact")


def test_unknown_fact_value(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, replaced("refund_reason: duplicate_payment}", "refund_reason: cosmic_rays}"))
    assert errors[0].startswith("clauses[0].rules[0].when.refund_reason (line 10): 'cosmic_rays' is not a refund_reason")


def test_unknown_outcome(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, replaced("outcome: eligible", "outcome: maybe"))
    assert errors == ["clauses[0].rules[0].outcome (line 11): unknown outcome 'maybe' "
                      "(known: eligible, partial, not_eligible, review)"]


def test_unknown_fallback_outcome(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, replaced("    clause: review\n    summary: Reviewed.\n  cancellation:",
                                          "    clause: review\n    outcome: granted\n    summary: Reviewed.\n  cancellation:"))
    assert errors == ["fallback.refund.outcome (line 26): unknown outcome 'granted'"]


def test_missing_fallback(tmp_path: Path) -> None:
    lines = VALID.splitlines(keepends=True)
    text = "".join(lines[:22] + lines[29:])  # drop the whole fallback block (lines 23-29)
    assert "fallback" not in text
    errors = errors_of(tmp_path, text)
    assert errors[0] == "top level (line 1): missing 'fallback'"
    assert all(e.startswith(("top level", "fallback.")) for e in errors)


def test_missing_fallback_for_one_kind(tmp_path: Path) -> None:
    lines = VALID.splitlines(keepends=True)
    text = "".join(lines[:26] + lines[29:])  # drop the cancellation fallback (lines 27-29)
    errors = errors_of(tmp_path, text)
    assert errors == ["fallback.cancellation (line 24): missing: what to decide for a cancellation no rule covers"]


def test_duplicate_clause_id(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, replaced("  - id: review\n", "  - id: duplicate\n"))
    assert "clauses[1].id (line 15): duplicate clause id 'duplicate'" in errors


def test_clause_id_must_be_snake_case(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, replaced("  - id: contact\n", "  - id: Contact-Us\n").replace(
        "clause: contact\n", "clause: Contact-Us\n"))
    assert errors == ["clauses[2].id (line 19): 'Contact-Us' must be lower_snake_case"]


@pytest.mark.parametrize("formula, problem", [
    ("amount_paid *", "not a valid formula: invalid syntax"),
    ("amount_paid ** 2", "not a valid formula: 'Pow' is not allowed"),
    ("__import__('os')", "not a valid formula: only max, min and round may be called"),
    ("amount_paid - fee", "unknown names: fee"),
    ("'ten'", "not a valid formula: only numbers may appear as constants"),
])
def test_bad_formula(tmp_path: Path, formula: str, problem: str) -> None:
    errors = errors_of(tmp_path, replaced("formula: amount_paid", f'formula: "{formula}"'))
    assert len(errors) == 1
    assert errors[0].startswith("clauses[0].rules[0].estimate.formula (line 14): ")
    assert problem in errors[0]


@pytest.mark.parametrize("old, new, expected", [
    ("    clause: review\n    summary: Reviewed.\n  cancellation:",
     "    clause: nowhere\n    summary: Reviewed.\n  cancellation:",
     "fallback.refund.clause (line 25): no clause with id 'nowhere'"),
    ("  clause: contact\n  emails", "  clause: contact_us\n  emails",
     "contact.clause (line 31): no clause with id 'contact_us'"),
    ("        summary: Duplicate payments are refunded.\n",
     "        summary: Duplicate payments are refunded.\n        also_cite: [review, ghost]\n",
     "clauses[0].rules[0].also_cite[1] (line 13): no clause with id 'ghost'"),
    ("        summary: Duplicate payments are refunded.\n",
     "        summary: Duplicate payments are refunded.\n        alternatives:\n          - phantom\n",
     "clauses[0].rules[0].alternatives[0] (line 14): no clause with id 'phantom'"),
], ids=["fallback", "contact", "also_cite", "alternatives"])
def test_unknown_clause_reference(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert errors_of(tmp_path, replaced(old, new)) == [expected]


def test_also_ask_names_facts_the_customer_gives(tmp_path: Path) -> None:
    text = replaced("        summary: Duplicate payments are refunded.\n",
                    "        summary: Duplicate payments are refunded.\n"
                    "        also_ask: [amount_paid, days_since_service]\n")
    assert errors_of(tmp_path, text) == [
        "clauses[0].rules[0].also_ask[1] (line 13): 'days_since_service' is not a fact the customer gives "
        "(known: service_kind, service_date, refund_reason, service_status, issues_resolved, amount_paid, "
        "next_billing_date)"]
    ok = replaced("        summary: Duplicate payments are refunded.\n",
                  "        summary: Duplicate payments are refunded.\n        also_ask: [issues_resolved]\n")
    assert load_refund_policy(write(tmp_path, ok)).rules[0].also_ask == ("issues_resolved",)


def test_unknown_clause_in_next_steps(tmp_path: Path) -> None:
    text = VALID + "next_steps:\n  refund:\n    - clause: payout\n      summary: Paid soon.\n"
    assert errors_of(tmp_path, text) == ["next_steps.refund[0].clause (line 35): no clause with id 'payout'"]


def test_contact_needs_a_clause_but_not_an_address(tmp_path: Path) -> None:
    without_address = replaced("  emails: [help@tiny.example]\n", "")
    assert load_refund_policy(write(tmp_path, without_address)).contact.emails == ()
    errors = errors_of(tmp_path, replaced("  clause: contact\n  emails", "  emails"))
    assert errors == ["contact (line 30): missing 'clause' (the sentence that says how to reach the company)"]


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    text = replaced("outcome: eligible", "outcome: maybe").replace("topics: [general]", "topics: [weather]")
    errors = errors_of(tmp_path, text)
    assert len(errors) == 2
    assert any(e.startswith("clauses[0].rules[0].outcome (line 11)") for e in errors)
    assert any(e.startswith("clauses[1].topics (line 18): unknown topic 'weather'") for e in errors)


def test_not_yaml_at_all(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, "id: tiny\nclauses: [unclosed\n  - {oops\n")
    assert len(errors) == 1
    assert errors[0].startswith("not valid YAML:")
    assert "line 3" in errors[0]


def test_prose_instead_of_a_policy(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, "Refunds are given within 30 days of purchase.\n")
    assert errors == ["top level: must be a mapping with id, company, clauses, ..."]


def test_empty_file(tmp_path: Path) -> None:
    assert errors_of(tmp_path, "") == ["top level: must be a mapping with id, company, clauses, ..."]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yml"
    with pytest.raises(RefundPolicyError) as info:
        load_refund_policy(path)
    assert info.value.path == str(path)
    assert info.value.errors == ["cannot read the file: No such file or directory"]


def test_the_documented_example_loads_and_decides_as_documented(tmp_path: Path) -> None:
    import re
    from datetime import date

    from refund_desk.eligibility import decide

    doc = (Path(__file__).resolve().parents[2] / "docs" / "refund-policy-format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert example is not None
    policy = load_refund_policy(write(tmp_path, example.group(1)))
    today = date(2025, 3, 11)
    duplicate = {"refund_reason": "duplicate_payment", "service_date": date(2025, 3, 8)}
    assert (decide(policy, "refund", duplicate, today).clauses[0].id,
            decide(policy, "refund", duplicate, today).outcome) == ("duplicate_charges", "eligible")
    late = dict(duplicate, service_date=date(2025, 2, 1))
    assert decide(policy, "refund", late, today).clauses[0].id == "request_window"
    plan = {"service_kind": "recurring", "service_date": date(2025, 3, 1),
            "next_billing_date": date(2025, 3, 31), "amount_paid": 100}
    decision = decide(policy, "cancellation", plan, today)
    assert decision.estimate is not None and decision.estimate.amount == 66.67


@pytest.mark.parametrize("extra, expected", [
    ("identifier: {example: X1}\n", "missing 'label'"),
    ("identifier: {label: order ID, pattern: '(unclosed'}\n", "not a valid regular expression"),
    ("identifier: {label: invoice number, example: ABC, pattern: 'INV-\\d+'}\n", "does not match the pattern"),
    ("identifier: {label: order ID, colour: red}\n", "identifier.colour"),
    ("service_kinds: {one_time: A recurring plan}\n", "must read as one_time"),
    ("service_kinds: {weekly: A weekly visit}\n", "unknown kind"),
    ("company_named: maybe\n", "must be true or false"),
])
def test_identifier_and_service_kinds_are_checked(tmp_path, extra, expected):
    assert any(expected in e for e in errors_of(tmp_path, VALID + extra))


def test_identifier_and_service_kinds_are_read(tmp_path):
    policy = load_refund_policy(write(tmp_path, VALID + (
        "identifier: {label: Customer ID, example: WP-7781, pattern: 'WP-\\d{4}'}\n"
        "service_kinds: {one_time: A one-off project}\n"
        "company_named: false\n")))
    assert (policy.identifier.label, policy.identifier.example, policy.identifier.named) == (
        "Customer ID", "WP-7781", True)
    assert policy.service_kinds["one_time"] == "A one-off project"
    assert policy.service_kinds["recurring"] == "A recurring plan"
    assert policy.policy_name == "our refund policy"


def test_without_an_identifier_the_generic_one_is_asked(tmp_path):
    policy = load_refund_policy(write(tmp_path, VALID))
    assert policy.identifier.label == "invoice or order number" and not policy.identifier.named
