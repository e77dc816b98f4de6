"""A company's refund policy as data: clauses (the policy's own sentences) and their rules.

The model only; refund_desk/refund_policy_loader.py reads and checks the files
(format: docs/refund-policy-format.md).
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from refund_desk.facts import BASE_FACTS, base_facts_of

TOPICS = (
    "general",
    "refundable",
    "non_refundable",
    "timeline",
    "process",
    "cancellation",
    "subscription",
    "chargeback",
    "contact",
    "alternatives",
)
OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in")
FORMULA_FUNCTIONS = ("max", "min", "round")
CLAUSE_ID = re.compile(r"^[a-z][a-z0-9_]*$")

Condition = dict[str, Any]  # operator -> operand


@dataclass(frozen=True)
class Clause:
    id: str
    section: str
    text: str
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Estimate:
    formula: str
    note: str = ""


@dataclass(frozen=True)
class Rule:
    clause: Clause
    kind: str
    when: dict[str, Condition]
    outcome: str
    summary: str
    priority: int = 0
    estimate: Optional[Estimate] = None
    also_cite: tuple[Clause, ...] = ()
    alternatives: tuple[Clause, ...] = ()
    also_ask: tuple[str, ...] = ()  # facts the team needs to review a case this rule decides

    @property
    def condition_facts(self) -> tuple[str, ...]:
        """Customer-given facts this rule's conditions test, in form order."""
        used = {b for name in self.when for b in base_facts_of(name)}
        return tuple(f for f in BASE_FACTS if f in used)

    @property
    def base_facts(self) -> tuple[str, ...]:
        """Customer-given facts this rule needs to decide, to estimate and to be reviewed, in form order."""
        used = set(self.condition_facts) | set(self.also_ask)
        if self.estimate:
            used |= {b for name in formula_names(self.estimate.formula) for b in base_facts_of(name)}
        return tuple(f for f in BASE_FACTS if f in used)


@dataclass(frozen=True)
class NextStep:
    clause: Clause
    outcomes: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Fallback:
    clause: Clause
    outcome: str
    summary: str


@dataclass(frozen=True)
class Contact:
    clause: Clause
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestEmail:
    """How the policy asks for a request to be written to the company (its billing or support mailbox):
    the clauses that say so, the subject it names ("Refund Request") and the details it asks for, in order."""

    clauses: tuple[Clause, ...]
    subject: str = ""
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Identifier:
    """The reference the company asks customers for: an invoice number, a Customer ID, an order ID.

    label: the policy's own word for it ("Customer ID"). example: one in the company's format,
    shown in the question (optional). pattern: a regular expression a well-formed one matches,
    case-insensitive (optional: without it any reasonable reference is taken as typed).
    prefix: the company's prefix ("INV-"): a bare number or "inv 20431" is written with it.
    named: False when the policy names no identifier and the label is a generic one.
    """

    label: str = "invoice or order number"
    example: str = ""
    pattern: str = ""
    prefix: str = ""
    named: bool = False

    @property
    def regex(self) -> Optional[re.Pattern[str]]:
        return re.compile(rf"(?<![\w-])(?:{self.pattern})(?![\w-])", re.I) if self.pattern else None


DEFAULT_IDENTIFIER = Identifier()
DEFAULT_SERVICE_KINDS = {"one_time": "A one-time service (such as an appointment)", "recurring": "A recurring plan"}


@dataclass(frozen=True)
class RefundPolicy:
    id: str
    company: str
    source: str
    currency: str
    clauses: tuple[Clause, ...]
    rules: tuple[Rule, ...]
    next_steps: dict[str, tuple[NextStep, ...]]
    fallbacks: dict[str, Fallback]
    contact: Contact
    request_facts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    identifier: Identifier = DEFAULT_IDENTIFIER
    company_named: bool = True  # False: the policy never names the company (customers see "our")
    # the kinds of service in the policy's own words, offered as choices ("A website or marketing project")
    service_kinds: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SERVICE_KINDS))
    request_email: Optional[RequestEmail] = None  # the policy's own format for a written request
    path: Optional[Path] = None

    @property
    def company_name(self) -> str:
        """How a customer-facing text names the company: as its policy does, or '' when it doesn't."""
        return self.company if self.company_named else ""

    @property
    def policy_name(self) -> str:
        """'Pro IT Assist's refund policy', or 'our refund policy' when the policy names no company."""
        return f"{self.company_name}'s refund policy" if self.company_name else "our refund policy"

    def rules_for(self, kind: str) -> list[Rule]:
        """Rules of one request kind in evaluation order (priority, then file order)."""
        ordered = [r for r in self.rules if r.kind == kind]
        return sorted(ordered, key=lambda r: -r.priority)

    def clauses_on(self, topic: str) -> list[Clause]:
        return [c for c in self.clauses if topic in c.topics]


def formula_names(formula: str) -> set[str]:
    """Names a formula reads (functions excluded); raises SyntaxError on bad syntax."""
    tree = ast.parse(formula, mode="eval")
    return {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in FORMULA_FUNCTIONS
    }
