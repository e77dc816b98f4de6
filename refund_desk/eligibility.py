"""The eligibility engine: (refund policy, request facts, today) -> decision. No Rasa here."""
from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping, Optional

from refund_desk.dates import DateRange
from refund_desk.facts import BASE_FACTS, base_facts_of, derive_facts
from refund_desk.refund_policy import Clause, RefundPolicy, Rule


@dataclass(frozen=True)
class EstimateResult:
    amount: float
    currency: str
    working: str  # the formula with the customer's figures put in
    note: str = ""


@dataclass(frozen=True)
class Decision:
    kind: str
    outcome: str
    summary: str
    clauses: tuple[Clause, ...]
    next_steps: tuple[str, ...] = ()
    alternatives: tuple[Clause, ...] = ()
    estimate: Optional[EstimateResult] = None
    policy_id: str = ""
    company: str = ""
    # the clause's formula left nothing to refund: stored as not_eligible, said as such (never "qualifies")
    nothing_refundable: bool = False

    def clause_refs(self) -> list[dict[str, str]]:
        """The clauses the decision rests on, as ids and quoted sentences."""
        return [{"id": c.id, "section": c.section, "text": c.text} for c in self.clauses]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "outcome": self.outcome,
            "summary": self.summary,
            "policy": self.policy_id,
            "company": self.company,
            "clauses": self.clause_refs(),
            "next_steps": list(self.next_steps),
            "alternatives": [{"id": c.id, "text": c.text} for c in self.alternatives],
            "estimate": None if self.estimate is None else {
                "amount": self.estimate.amount,
                "currency": self.estimate.currency,
                "working": self.estimate.working,
                "note": self.estimate.note,
            },
        }


_COMPARE = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le,
    "gt": operator.gt, "gte": operator.ge,
    "in": lambda a, b: a in b, "not_in": lambda a, b: a not in b,
}


def condition_holds(value: Any, condition: Mapping[str, Any]) -> bool:
    """Whether a known fact value meets every operator of a condition."""
    try:
        return all(_COMPARE[op](value, operand) for op, operand in condition.items())
    except TypeError:
        return False


def rule_matches(rule: Rule, facts: Mapping[str, Any]) -> bool:
    return all(name in facts and condition_holds(facts[name], cond) for name, cond in rule.when.items())


def rule_still_possible(rule: Rule, facts: Mapping[str, Any]) -> bool:
    """False once a fact the rule tests is known and fails its condition."""
    return all(name not in facts or condition_holds(facts[name], cond) for name, cond in rule.when.items())


def weighed_rules(policy: RefundPolicy, kind: str, refund_declined: bool = False) -> list[Rule]:
    """The rules a request of this kind is weighed by, in evaluation order. A cancellation whose customer
    declines any money back ("cancel it so it doesn't renew; I don't need a refund") is not weighed by
    the clauses that work out money back (a rule with an estimate: a balance, a pro-rata share)."""
    rules = policy.rules_for(kind)
    return [r for r in rules if r.estimate is None] if refund_declined and kind == "cancellation" else rules


def needed_facts(
    policy: RefundPolicy, kind: str, known: Mapping[str, Any], today: date, refund_declined: bool = False
) -> list[str]:
    """Customer-given facts the active refund policy still needs for this kind, in asking order.

    Needed: what the policy's request procedure asks for, what a rule that could still decide
    tests, and what the customer already gave (it stays part of the request). Rules are walked
    in evaluation order and the walk stops at the first rule that already applies, since no
    later rule can change the decision. The procedure's facts come first: they usually settle
    the most rules.
    """
    facts = derive_facts(known, today)
    requested = set(policy.request_facts.get(kind, ()))
    needed = requested | {name for name, value in known.items() if name in BASE_FACTS and value is not None}
    for rule in weighed_rules(policy, kind, refund_declined):
        if rule_matches(rule, facts):
            needed.update(rule.base_facts)  # an estimate formula may still need figures
            break
        if rule_still_possible(rule, facts):
            needed.update(rule.condition_facts)  # its estimate's figures only once it applies
    return [f for f in BASE_FACTS if f in requested] + [f for f in BASE_FACTS if f in needed - requested]


# Details a record of this kind keeps for staff, asked even where the refund policy decides nothing on
# them (issue 15: "the record keeps the customer's reason", "the dates"): for a cancellation what is being
# cancelled (a plan or an appointment), when (or, for a plan the policy weighs by its next billing date,
# that date), and why; for a refund and a chargeback when the service was (ITMediaSolutions' policy
# weighs no date, but staff still need to know which project or billing period the money is for).
# Each group is one detail: the first of it is asked unless one of the group is asked already.
RECORDED_FACTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "cancellation": (("service_kind",), ("service_date", "next_billing_date"), ("refund_reason",)),
    "refund": (("service_date",),),
    "chargeback": (("service_date",),),
}
# The kind whose rules weigh a request: a chargeback is weighed as the refund it disputes.
WEIGHED_AS: dict[str, str] = {"chargeback": "refund"}


def asked_facts(policy: RefundPolicy, kind: str, known: Mapping[str, Any], today: date,
                refund_declined: bool = False) -> list[str]:
    """The facts a request form asks for: what the refund policy needs to decide, then what the record keeps."""
    facts = needed_facts(policy, WEIGHED_AS.get(kind, kind), known, today, refund_declined)
    return facts + [group[0] for group in RECORDED_FACTS.get(kind, ()) if not set(group) & set(facts)]


def refunds_with_cancellation(policy: RefundPolicy) -> bool:
    """Whether the refund policy's cancellation clauses weigh money back (a pro-rata share, a balance)."""
    return any(rule.estimate is not None for rule in policy.rules_for("cancellation"))


def decides(policy: RefundPolicy, kind: str, fact: str) -> bool:
    """Whether the refund policy's decision on this kind of request can turn on the fact."""
    return any(fact in rule.condition_facts for rule in policy.rules_for(WEIGHED_AS.get(kind, kind)))


def weigh(policy: RefundPolicy, kind: str, facts: Mapping[str, Any], today: date) -> Decision:
    """The decision a request of this kind is recorded with (a chargeback: the refund's, for staff)."""
    return decide(policy, WEIGHED_AS.get(kind, kind), facts, today)


def date_boundaries(policy: RefundPolicy, kind: str, date_fact: str, days: DateRange,
                    known: Mapping[str, Any], today: date) -> list[date]:
    """The days of a range on which one of the policy's date conditions turns (none: any day decides alike).

    Every rule of this kind is looked at, whatever the other facts: a condition on a fact computed
    from `date_fact` ("days_since_service <= 7") must hold on every day of the range or on none.
    """
    def turns(day: date) -> tuple[Optional[bool], ...]:
        facts = derive_facts({**known, date_fact: day}, today)
        return tuple(condition_holds(facts[name], cond) if name in facts else None
                     for rule in policy.rules_for(kind) for name, cond in rule.when.items()
                     if date_fact in base_facts_of(name))

    every = days.days()
    return [day for before, day in zip(every, every[1:]) if turns(day) != turns(before)]


def decide(policy: RefundPolicy, kind: str, facts: Mapping[str, Any], today: date,
           refund_declined: bool = False) -> Decision:
    """Apply the first matching rule of the active refund policy (or its fallback)."""
    known = derive_facts(facts, today)
    rule = next((r for r in weighed_rules(policy, kind, refund_declined) if rule_matches(r, known)), None)
    if rule is None:
        fb = policy.fallbacks[kind]
        outcome, summary, clauses, alternatives, estimate = fb.outcome, fb.summary, (fb.clause,), (), None
    else:
        outcome, summary = rule.outcome, rule.summary
        clauses = (rule.clause, *rule.also_cite)
        alternatives = rule.alternatives
        estimate = _estimate(rule, known, policy.currency)
    nothing_refundable = estimate is not None and estimate.amount <= 0 and outcome in ("eligible", "partial")
    if nothing_refundable:
        outcome = "not_eligible"
    steps = tuple(s.summary for s in policy.next_steps.get(kind, ()) if outcome in s.outcomes)
    step_clauses = tuple(s.clause for s in policy.next_steps.get(kind, ()) if outcome in s.outcomes)
    cited = tuple(dict.fromkeys(clauses + step_clauses))  # keep order, drop repeats
    return Decision(kind, outcome, summary, cited, steps, alternatives, estimate, policy.id, policy.company,
                    nothing_refundable)


def _estimate(rule: Rule, facts: Mapping[str, Any], currency: str) -> Optional[EstimateResult]:
    if rule.estimate is None:
        return None
    try:
        amount = evaluate_formula(rule.estimate.formula, facts)
    except (KeyError, ZeroDivisionError, TypeError):
        return None
    working = f"{rule.estimate.formula} = {_substitute(rule.estimate.formula, facts)} = {amount:,.2f}"
    return EstimateResult(round(amount, 2), currency, working, rule.estimate.note)


_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_FUNCS = {"max": max, "min": min, "round": round}


def evaluate_formula(formula: str, facts: Mapping[str, Any]) -> float:
    """Evaluate a validated estimate formula over numeric facts (KeyError when one is missing)."""

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return float(facts[node.id])
        if isinstance(node, ast.UnaryOp):
            return -ev(node.operand) if isinstance(node.op, ast.USub) else ev(node.operand)
        if isinstance(node, ast.BinOp):
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.Call):
            name = node.func.id  # type: ignore[attr-defined]
            args = [ev(a) for a in node.args]
            if name == "round" and len(args) == 2:
                return float(round(args[0], int(args[1])))  # ndigits must be a whole number
            return float(_FUNCS[name](*args))
        raise TypeError(f"unsupported formula element {type(node).__name__}")

    return ev(ast.parse(formula, mode="eval"))


def _substitute(formula: str, facts: Mapping[str, Any]) -> str:
    class Sub(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id in facts:
                value = facts[node.id]
                return ast.Constant(int(value) if float(value).is_integer() else round(float(value), 2))
            return node

    return ast.unparse(Sub().visit(ast.parse(formula, mode="eval")))
