"""Customer conversations, played end to end against the real servers; each asserts the stored record.

How it works
------------
Every conversation in tests/conversations/*.yml (the first suite, issue 8),
tests/conversations_2/*.yml (the second, issue 15: written by other hands from personas and the
policy texts) and tests/conversations_3/*.yml (a third, written the same way on 2026-12-07 by hands
that read only the policy texts and the format) is a customer *persona*, not a script: the
form's question order depends on the refund policy, so the runner asks the bot what it wants.

1. The Rasa server and the action server start once (tests/support/servers.py). Before each
   conversation the action server is restarted if the conversation needs another refund policy
   (REFUND_POLICY) or another today (REFUND_DESK_TODAY); conversations are sorted so that this
   happens once per (policy, today) group.
2. The `opening` messages are sent over the REST webhook, then turn by turn the runner reads the
   conversation's tracker (GET /conversations/<sender>/tracker: `active_loop`,
   `slots.requested_slot`):
   - a form asks for slot S: the persona's `interjections` with `before: S` are said first
     (once each; a list `say` is several messages in a row, e.g. "never mind" then "yes"), then its answer `answers[S]` (`answers["<form>.<S>"]` wins for that form; a
     list gives the answers to successive asks, the last one repeated). `confirmed` defaults
     to "yes". An ask the persona has no answer for fails the conversation, naming the slot,
     unless the persona has an `otherwise` answer.
   - no form is running: when the expected record(s) exist, the `closing` messages are said and
     the conversation ends; otherwise the next `idle` message is said (what the customer says
     when the bot asks something outside a form, e.g. "yes, open the refund"); with none left,
     the conversation ends.
   At most MAX_TURNS messages per conversation; the same slot asked STUCK_ASKS times in a row
   with the persona's final answer fails it as a loop.
3. The records whose sender_id is the conversation's are read with `refund-desk requests list
   --json` and compared field by field with `expect` (see `compare_records`): the kinds must
   match exactly (an extra chargeback record is a failure), then invoice (alphanumeric core,
   tolerant of a letter prefix the policy adds), service_date (ISO), refund_reason,
   service_kind, customer_name (case- and space-insensitive; a list = any of), customer_email,
   eligibility, and `facts` (a subset of the record's facts). `no_record: true` expects none.

Every conversation is its own test (id = conversation id); the session ends with
"N/M conversations end with the right record" for each suite and the first mismatch of each
failure (tests/e2e/conftest.py, tests/support/conversation_results.py). Each suite lists the
conversations that do not pass yet in its own known_failures.yaml.

Adding a conversation
---------------------
Append an entry to the `conversations:` list of the policy's file in tests/conversations/
(`policy:` at the top of the file applies to all of its entries; `today:` defaults to
2026-11-23). Give it a unique `id`, the customer's `opening`, an `answers` entry for every
detail the policy may ask, and `expect` labelled from the customer's words and the policy
text only, never from what the bot does. Run one with
`pytest -m e2e tests/e2e/test_customer_conversations.py -k <id>`.
"""
from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Optional

import pytest
import yaml

from tests.support.conversation_results import RESULTS
from tests.support.servers import PROJECT_ROOT, running_assistant

pytestmark = pytest.mark.e2e

SUITES = {"conversations": PROJECT_ROOT / "tests" / "conversations",
          "conversations_2": PROJECT_ROOT / "tests" / "conversations_2",
          "conversations_3": PROJECT_ROOT / "tests" / "conversations_3"}
DEFAULT_TODAY = "2026-11-23"
DEFAULT_POLICY = "pro_it_assist.yml"
MAX_TURNS = 25
STUCK_ASKS = 4
FIELDS = ("invoice", "service_date", "refund_reason", "service_kind", "customer_name",
          "customer_email", "eligibility")
RECORD_FIELD = {"invoice": "invoice_number"}


def load_conversations() -> list[dict[str, Any]]:
    conversations: list[dict[str, Any]] = []
    for suite, directory in SUITES.items():
        for path in sorted(directory.glob("*.yml")):
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
            for conv in doc["conversations"]:
                conv = dict(conv)
                conv.setdefault("policy", doc.get("policy", DEFAULT_POLICY))
                conv["today"] = str(conv.get("today", doc.get("today", DEFAULT_TODAY)))
                conv["file"] = path.name
                conv["suite"] = suite
                conversations.append(conv)
    ids = [c["id"] for c in conversations]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate conversation ids: {sorted(duplicates)}"
    # One action-server restart per (policy, today) group.
    return sorted(conversations, key=lambda c: (c["policy"], c["today"]))


CONVERSATIONS = load_conversations()
# Conversations that do not end with the right record yet (issue 8 is still open), with what goes
# wrong. They are played and counted like the others and reported as xfail; one that starts
# passing shows as XPASS and should be taken off the list.
KNOWN_FAILURES: dict[str, str] = {
    conv_id: reason
    for directory in SUITES.values()
    for conv_id, reason in ((yaml.safe_load((directory / "known_failures.yaml").read_text(encoding="utf-8"))
                             or {}).get("known_failures") or {}).items()}


def as_param(conv: dict[str, Any]) -> Any:
    reason = KNOWN_FAILURES.get(conv["id"])
    marks = [pytest.mark.xfail(reason=f"known failure: {reason}", strict=False)] if reason else []
    return pytest.param(conv, id=conv["id"], marks=marks)


class ConversationFailed(AssertionError):
    pass


class Customer:
    """One persona talking to the assistant; keeps a transcript for failure messages."""

    def __init__(self, assistant: Any, conv: dict[str, Any]):
        self.assistant = assistant
        self.conv = conv
        self.sender = f"conv-{conv['id']}-{uuid.uuid4().hex[:8]}"
        self.transcript: list[str] = []
        self.turns = 0

    # -- talking ---------------------------------------------------------------------------
    def say(self, text: str) -> None:
        if self.turns >= MAX_TURNS:
            raise ConversationFailed(f"no end after {MAX_TURNS} customer messages")
        self.turns += 1
        self.transcript.append(f"customer: {text}")
        for reply in self.assistant.send(self.sender, text):
            line = reply.get("text") or ""
            buttons = " ".join(f"[{b.get('title')}]" for b in reply.get("buttons", []) or [])
            self.transcript.append(f"     bot: {line} {buttons}".rstrip())

    def tracker(self) -> dict[str, Any]:
        url = self.assistant.api_url(f"/conversations/{urllib.parse.quote(self.sender)}/tracker")
        with urllib.request.urlopen(url, timeout=60) as resp:
            return json.loads(resp.read())

    def records(self) -> list[dict[str, Any]]:
        return [r for r in self.assistant.cli_json("requests", "list") if r.get("sender_id") == self.sender]

    # -- the persona -----------------------------------------------------------------------
    def answer_for(self, form: str, slot: str, asked: int) -> Optional[str]:
        answers = self.conv.get("answers") or {}
        value = answers.get(f"{form}.{slot}", answers.get(slot))
        if value is None and slot == "confirmed":
            value = "yes"
        if value is None:
            value = self.conv.get("otherwise")
        if isinstance(value, list):
            value = value[min(asked, len(value) - 1)]
        return None if value is None else str(value)

    def final_answer_given(self, form: str, slot: str, asked: int) -> bool:
        answers = self.conv.get("answers") or {}
        value = answers.get(f"{form}.{slot}", answers.get(slot))
        return not isinstance(value, list) or asked >= len(value)

    def play(self) -> list[dict[str, Any]]:
        conv = self.conv
        expected_kinds = sorted(e["kind"] for e in expected_records(conv))
        interjections = list(conv.get("interjections") or [])
        idle = list(conv.get("idle") or [])
        asks: dict[tuple[str, str], int] = {}
        last_ask: Optional[tuple[str, str]] = None
        in_a_row = 0
        openings = conv["opening"] if isinstance(conv["opening"], list) else [conv["opening"]]
        for text in openings:
            self.say(text)
        while True:
            tracker = self.tracker()
            form = (tracker.get("active_loop") or {}).get("name")
            slot = (tracker.get("slots") or {}).get("requested_slot")
            if form and slot:
                pending = [i for i in interjections if i["before"] == slot]
                if pending:
                    interjections.remove(pending[0])
                    said = pending[0]["say"]
                    for text in said if isinstance(said, list) else [said]:
                        self.say(str(text))
                    continue
                key = (form, slot)
                asked = asks.get(key, 0)
                answer = self.answer_for(form, slot, asked)
                if answer is None:
                    raise ConversationFailed(
                        f"the bot ({form}) asks for {slot!r}, which this customer has no answer for")
                in_a_row = in_a_row + 1 if key == last_ask else 1
                last_ask = key
                if in_a_row >= STUCK_ASKS and self.final_answer_given(form, slot, asked):
                    raise ConversationFailed(
                        f"the bot ({form}) asked for {slot!r} {in_a_row} times in a row; "
                        f"the customer's answer was {answer!r}")
                asks[key] = asked + 1
                self.say(answer)
                continue
            last_ask, in_a_row = None, 0
            records = self.records()
            if expected_kinds and all(k in [r["kind"] for r in records] for k in expected_kinds):
                for text in conv.get("closing") or []:
                    self.say(str(text))
                return self.records()
            if idle:
                self.say(str(idle.pop(0)))
                continue
            if form:
                raise ConversationFailed(f"form {form} is active but asks for nothing")
            return records


def expected_records(conv: dict[str, Any]) -> list[dict[str, Any]]:
    expect = conv.get("expect") or {}
    if isinstance(expect, dict):
        return [] if expect.get("no_record") else [expect]
    return list(expect)


def _core(value: Any) -> str:
    return re.sub(r"[^0-9A-Z]", "", str(value or "").upper())


def invoice_matches(expected: str, actual: Optional[str]) -> bool:
    """Same alphanumeric core, allowing a letters-only prefix on either side (INV-55881 ~ 55881)."""
    e, a = _core(expected), _core(actual)
    if not a:
        return False
    if e == a:
        return True
    longer, shorter = (a, e) if len(a) > len(e) else (e, a)
    return longer.endswith(shorter) and longer[: len(longer) - len(shorter)].isalpha() and shorter[0].isdigit()


def _norm_text(value: Any) -> str:
    return " ".join(str(value or "").split()).casefold()


def field_matches(name: str, expected: Any, actual: Any) -> bool:
    options = expected if isinstance(expected, list) else [expected]
    for option in options:
        if name == "invoice":
            ok = invoice_matches(option, actual)
        elif name in ("customer_name", "customer_email"):
            ok = _norm_text(option) == _norm_text(actual)
        else:
            ok = str(option) == str(actual)
        if ok:
            return True
    return False


def _fact_matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            return abs(float(actual) - float(expected)) < 0.005
        except (TypeError, ValueError):
            return False
    return str(expected) == str(actual)


def compare_records(conv: dict[str, Any], records: list[dict[str, Any]]) -> Optional[str]:
    """None when the stored records are the expected ones, else the first mismatch."""
    expected = expected_records(conv)
    kinds = sorted(r["kind"] for r in records)
    want = sorted(e["kind"] for e in expected)
    if kinds != want:
        return f"records {kinds or 'none'}, expected {want or 'none'}"
    unused = list(records)
    for exp in expected:
        candidates = [r for r in unused if r["kind"] == exp["kind"]]
        problems = [_first_mismatch(exp, r) for r in candidates]
        best = next((i for i, p in enumerate(problems) if p is None), 0)
        if problems[best] is not None:
            return f"{exp['kind']} record: {problems[best]}"
        unused.remove(candidates[best])
    return None


def decision_outcome(conv: dict[str, Any], records: list[dict[str, Any]]) -> Optional[str]:
    """"right" when a record of each expected kind holds the expected eligibility, "wrong" when one of
    that kind holds another, "missing" when none of that kind was stored; None where no eligibility is
    expected (hand-offs, questions)."""
    outcomes = []
    for exp in expected_records(conv):
        if "eligibility" not in exp:
            continue
        stored = [r.get("eligibility") for r in records if r["kind"] == exp["kind"]]
        right = any(field_matches("eligibility", exp["eligibility"], value) for value in stored)
        outcomes.append("missing" if not stored else "right" if right else "wrong")
    for outcome in ("wrong", "missing", "right"):
        if outcome in outcomes:
            return outcome
    return None


def _first_mismatch(exp: dict[str, Any], record: dict[str, Any]) -> Optional[str]:
    for name in FIELDS:
        if name not in exp:
            continue
        actual = record.get(RECORD_FIELD.get(name, name))
        if not field_matches(name, exp[name], actual):
            return f"{name} is {actual!r}, expected {exp[name]!r}"
    facts = record.get("facts") or {}
    for name, value in (exp.get("facts") or {}).items():
        if not _fact_matches(value, facts.get(name)):
            return f"fact {name} is {facts.get(name)!r}, expected {value!r}"
    return None


@pytest.fixture(scope="module")
def conversation_assistant():
    first = CONVERSATIONS[0]
    env = {"REFUND_DESK_TODAY": first["today"], "REFUND_POLICY": f"refund_policies/{first['policy']}"}
    with running_assistant(extra_env=env) as a:
        yield a


def use_settings(assistant: Any, conv: dict[str, Any]) -> None:
    policy = f"refund_policies/{conv['policy']}"
    if assistant.env.get("REFUND_POLICY") != policy or assistant.env.get("REFUND_DESK_TODAY") != conv["today"]:
        assistant.restart_actions(REFUND_POLICY=policy, REFUND_DESK_TODAY=conv["today"])


@pytest.mark.parametrize("conv", [as_param(c) for c in CONVERSATIONS])
def test_customer_conversation(conversation_assistant, conv):
    use_settings(conversation_assistant, conv)
    customer = Customer(conversation_assistant, conv)
    try:
        records = customer.play()
        problem = compare_records(conv, records)
    except ConversationFailed as exc:
        problem = str(exc)
        records = customer.records()
    RESULTS[conv["id"]] = (conv["suite"], problem, decision_outcome(conv, records))
    if problem is not None:
        shown = [{k: r.get(k) for k in ("kind", "invoice_number", "service_date", "refund_reason",
                                         "service_kind", "customer_name", "customer_email",
                                         "eligibility", "facts")} for r in records]
        pytest.fail(
            f"{conv['id']} ({conv['policy']}, today {conv['today']}): {problem}\n"
            f"sender: {customer.sender}\nstored: {json.dumps(shown, ensure_ascii=False)}\n"
            "transcript:\n" + "\n".join(customer.transcript),
            pytrace=False,
        )


# --- the runner's own logic, without servers --------------------------------------------------


def test_every_known_failure_names_a_conversation():
    assert sorted(set(KNOWN_FAILURES) - {c["id"] for c in CONVERSATIONS}) == []


@pytest.mark.parametrize("expected, actual, ok", [
    ("55881", "INV-55881", True),
    ("INV-55881", "INV-55881", True),
    ("inv 20431", "INV-20431", True),
    ("WP-7781", "WP-7781", True),
    ("INV-2024-0918", "INV-2024", False),
    ("INV-2024-0918", "INV-20240918", True),
    ("55881", "INV-55882", False),
    ("55881", None, False),
    ("55881", "2655881", False),
])
def test_invoice_matching(expected, actual, ok):
    assert invoice_matches(expected, actual) is ok


def test_compare_records_reports_an_extra_chargeback_record():
    conv = {"expect": {"kind": "refund", "refund_reason": "duplicate_payment"}}
    records = [{"kind": "refund", "refund_reason": "duplicate_payment"}, {"kind": "chargeback"}]
    assert compare_records(conv, records) == "records ['chargeback', 'refund'], expected ['refund']"
    assert compare_records(conv, records[:1]) is None
    assert compare_records({"expect": {"no_record": True}}, []) is None
    assert "service_date is '2026-03-23'" in compare_records(
        {"expect": {"kind": "refund", "service_date": "2026-11-03"}},
        [{"kind": "refund", "service_date": "2026-03-23"}])


@pytest.mark.parametrize("expect, records, outcome", [
    ({"kind": "refund", "eligibility": "eligible"}, [{"kind": "refund", "eligibility": "eligible"}], "right"),
    ({"kind": "refund", "eligibility": "eligible"}, [{"kind": "refund", "eligibility": "partial"}], "wrong"),
    ({"kind": "refund", "eligibility": "eligible"}, [{"kind": "cancellation", "eligibility": "eligible"}], "missing"),
    ({"kind": "refund", "eligibility": "eligible"}, [], "missing"),
    ([{"kind": "refund", "eligibility": "review"}, {"kind": "handoff"}],
     [{"kind": "refund", "eligibility": "review"}, {"kind": "handoff", "eligibility": None}], "right"),
    ({"kind": "refund", "eligibility": ["review", "partial"]}, [{"kind": "refund", "eligibility": "partial"}], "right"),
    ({"kind": "handoff"}, [{"kind": "handoff", "eligibility": None}], None),
    ({"no_record": True}, [], None),
])
def test_decision_outcome(expect, records, outcome):
    assert decision_outcome({"expect": expect}, records) == outcome
