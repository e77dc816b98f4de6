"""Reading and checking refund-policy files into the model of refund_desk/refund_policy.py.

The file format is described in docs/refund-policy-format.md.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any, Optional, Union

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from refund_desk.facts import ALL_FACTS, BASE_FACTS, OUTCOMES, REQUEST_KINDS, SERVICE_KINDS
from refund_desk.refund_policy import (CLAUSE_ID, FORMULA_FUNCTIONS, OPERATORS, TOPICS, Clause, Condition,
                                       Contact, DEFAULT_SERVICE_KINDS, Estimate, Fallback, Identifier, NextStep, RefundPolicy,
                                       RequestEmail, Rule,
                                       formula_names)


class RefundPolicyError(ValueError):
    """A refund-policy file that cannot be used; `errors` lists each problem with its place."""

    def __init__(self, path: Union[str, Path], errors: list[str]):
        self.path = str(path)
        self.errors = errors
        super().__init__(f"{path}: invalid refund policy:\n" + "\n".join(f"  {e}" for e in errors))


class _Reader:
    """Validating reader that records every problem with its place (key path and line)."""

    def __init__(self, path: Path):
        self.path = path
        self.errors: list[str] = []

    def error(self, where: str, node: Any, key: Any, message: str) -> None:
        line = _line_of(node, key)
        place = f"{where} (line {line})" if line else where
        self.errors.append(f"{place}: {message}")

    def require(self, node: Any, key: str, where: str, kind: type = str) -> Any:
        if not isinstance(node, dict) or key not in node:
            self.error(where, node, None, f"missing '{key}'")
            return None
        value = node[key]
        if kind is str and not (isinstance(value, str) and value.strip()):
            self.error(f"{where}.{key}", node, key, "must be a non-empty text")
            return None
        if kind is not str and not isinstance(value, kind):
            self.error(f"{where}.{key}", node, key, f"must be a {kind.__name__}")
            return None
        return value


def _line_of(node: Any, key: Any) -> Optional[int]:
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is not None:
            if isinstance(key, int):
                return lc.item(key)[0] + 1
            return lc.key(key)[0] + 1
        return lc.line + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return lc.line + 1 if getattr(lc, "line", None) is not None else None


def load_refund_policy(path: Union[str, Path]) -> RefundPolicy:
    """Read and validate a refund-policy YAML file; raise RefundPolicyError listing all problems."""
    path = Path(path)
    try:
        raw = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RefundPolicyError(path, [f"cannot read the file: {exc.strerror or exc}"]) from exc
    except YAMLError as exc:
        raise RefundPolicyError(path, [f"not valid YAML: {exc}"]) from exc
    reader = _Reader(path)
    policy = _parse(raw, reader, path)
    if reader.errors or policy is None:
        raise RefundPolicyError(path, reader.errors or ["the file is empty"])
    return policy


def check_refund_policy(path: Union[str, Path]) -> list[str]:
    """All problems of a refund-policy file, each with its place; empty when it is valid."""
    try:
        load_refund_policy(path)
    except RefundPolicyError as exc:
        return exc.errors
    return []


def _parse(raw: Any, r: _Reader, path: Path) -> Optional[RefundPolicy]:
    if not isinstance(raw, dict):
        r.error("top level", raw, None, "must be a mapping with id, company, clauses, ...")
        return None
    policy_id = r.require(raw, "id", "top level")
    company = r.require(raw, "company", "top level")
    source = raw.get("source", "")
    currency = raw.get("currency", "USD")

    clauses: dict[str, Clause] = {}
    raw_clauses = r.require(raw, "clauses", "top level", list) or []
    for i, rc in enumerate(raw_clauses):
        where = f"clauses[{i}]"
        if not isinstance(rc, dict):
            r.error(where, raw_clauses, i, "must be a mapping")
            continue
        cid, section, text = (r.require(rc, k, where) for k in ("id", "section", "text"))
        topics = rc.get("topics", []) or []
        for t in topics:
            if t not in TOPICS:
                r.error(f"{where}.topics", rc, "topics", f"unknown topic '{t}' (known: {', '.join(TOPICS)})")
        for k in rc:
            if k not in ("id", "section", "text", "topics", "rules"):
                r.error(f"{where}.{k}", rc, k, "unknown key")
        if cid is None:
            continue
        if not CLAUSE_ID.match(cid):
            r.error(f"{where}.id", rc, "id", f"'{cid}' must be lower_snake_case")
        if cid in clauses:
            r.error(f"{where}.id", rc, "id", f"duplicate clause id '{cid}'")
        clauses[cid] = Clause(cid, section or "", (text or "").strip(), tuple(topics))

    def clause_ref(node: Any, key: str, where: str) -> Optional[Clause]:
        cid = node.get(key) if isinstance(node, dict) else None
        if cid not in clauses:
            r.error(f"{where}.{key}", node, key, f"no clause with id '{cid}'")
            return None
        return clauses[cid]

    rules: list[Rule] = []
    for i, rc in enumerate(raw_clauses):
        if not isinstance(rc, dict) or rc.get("id") not in clauses:
            continue
        for j, rr in enumerate(rc.get("rules", []) or []):
            rule = _parse_rule(rr, f"clauses[{i}].rules[{j}]", clauses[rc["id"]], clauses, r)
            if rule:
                rules.append(rule)

    next_steps: dict[str, tuple[NextStep, ...]] = {}
    raw_steps = raw.get("next_steps", {}) or {}
    for kind, entries in raw_steps.items():
        where = f"next_steps.{kind}"
        if kind not in REQUEST_KINDS:
            r.error(where, raw_steps, kind, f"unknown request kind (known: {', '.join(REQUEST_KINDS)})")
            continue
        steps = []
        for j, e in enumerate(entries or []):
            clause = clause_ref(e, "clause", f"{where}[{j}]")
            summary = r.require(e, "summary", f"{where}[{j}]")
            outcomes = tuple(e.get("outcomes", OUTCOMES)) if isinstance(e, dict) else OUTCOMES
            for o in outcomes:
                if o not in OUTCOMES:
                    r.error(f"{where}[{j}].outcomes", e, "outcomes", f"unknown outcome '{o}'")
            if clause and summary:
                steps.append(NextStep(clause, outcomes, summary))
        next_steps[kind] = tuple(steps)

    fallbacks: dict[str, Fallback] = {}
    raw_fallbacks = r.require(raw, "fallback", "top level", dict) or {}
    for kind in REQUEST_KINDS:
        where = f"fallback.{kind}"
        fb = raw_fallbacks.get(kind)
        if fb is None:
            r.error(where, raw_fallbacks, None, f"missing: what to decide for a {kind} no rule covers")
            continue
        clause = clause_ref(fb, "clause", where)
        summary = r.require(fb, "summary", where)
        outcome = fb.get("outcome", "review")
        if outcome not in OUTCOMES:
            r.error(f"{where}.outcome", fb, "outcome", f"unknown outcome '{outcome}'")
        if clause and summary:
            fallbacks[kind] = Fallback(clause, outcome, summary)

    raw_contact = r.require(raw, "contact", "top level", dict)
    contact = None
    if raw_contact is not None:
        # The clause is required: it is the policy's own sentence on how to reach the company.
        # Emails and phones are listed only where the policy gives them (some policies give none).
        if "clause" not in raw_contact:
            r.error("contact", raw, "contact", "missing 'clause' (the sentence that says how to reach the company)")
            cclause = None
        else:
            cclause = clause_ref(raw_contact, "clause", "contact")
        emails = tuple(raw_contact.get("emails", []) or [])
        phones = tuple(str(p) for p in raw_contact.get("phones", []) or [])
        if cclause:
            contact = Contact(cclause, emails, phones)

    request_facts: dict[str, tuple[str, ...]] = {}
    for kind, names in (raw.get("request_facts", {}) or {}).items():
        where = f"request_facts.{kind}"
        if kind not in REQUEST_KINDS:
            r.error(where, raw["request_facts"], kind, "unknown request kind")
            continue
        for n in names or []:
            if n not in BASE_FACTS:
                r.error(where, raw["request_facts"], kind, f"unknown fact '{n}' (known: {', '.join(BASE_FACTS)})")
        request_facts[kind] = tuple(n for n in names or [] if n in BASE_FACTS)

    identifier = _parse_identifier(raw.get("identifier"), raw, r)
    service_kinds = _parse_service_kinds(raw.get("service_kinds"), raw, r)
    company_named = raw.get("company_named", True)
    if not isinstance(company_named, bool):
        r.error("company_named", raw, "company_named", "must be true or false")
        company_named = True

    request_email = _parse_request_email(raw.get("request_email"), raw, clauses, r)

    for k in raw:
        if k not in ("id", "company", "source", "currency", "clauses", "next_steps", "fallback",
                     "contact", "request_facts", "updated", "identifier", "company_named",
                     "service_kinds", "request_email"):
            r.error(k, raw, k, "unknown key")

    if r.errors or contact is None:
        return None
    return RefundPolicy(
        id=policy_id, company=company, source=source, currency=currency,
        clauses=tuple(clauses.values()), rules=tuple(rules), next_steps=next_steps,
        fallbacks=fallbacks, contact=contact, request_facts=request_facts, identifier=identifier,
        company_named=company_named, service_kinds=service_kinds, request_email=request_email, path=path,
    )


# The details a written request may name: the facts, the identifier and the customer.
REQUEST_EMAIL_FIELDS = ("customer_name", "customer_email", "invoice_number", *BASE_FACTS, "reason_details")


def _parse_request_email(node: Any, raw: Any, clauses: dict[str, Clause], r: _Reader) -> Optional[RequestEmail]:
    if node is None:
        return None
    if not isinstance(node, dict):
        r.error("request_email", raw, "request_email", "must be a mapping with clauses, subject and fields")
        return None
    cited = _clause_list(node, "clauses", "request_email", clauses, r)
    if not cited:
        r.error("request_email.clauses", node, "clauses", "name the clauses that say how to write the request")
    fields = tuple(str(f) for f in node.get("fields", []) or [])
    for f in fields:
        if f not in REQUEST_EMAIL_FIELDS:
            r.error("request_email.fields", node, "fields", f"unknown field '{f}' (known: {', '.join(REQUEST_EMAIL_FIELDS)})")
    for k in node:
        if k not in ("clauses", "subject", "fields"):
            r.error(f"request_email.{k}", node, k, "unknown key")
    return RequestEmail(cited, str(node.get("subject") or ""), fields)


def _parse_service_kinds(node: Any, raw: Any, r: _Reader) -> dict[str, str]:
    """The choices offered for the kind of service; each must read back as its own kind."""
    from refund_desk.readers import read_service_kind

    kinds = dict(DEFAULT_SERVICE_KINDS)
    if node is None:
        return kinds
    if not isinstance(node, dict):
        r.error("service_kinds", raw, "service_kinds", "must map one_time and recurring to the policy's words")
        return kinds
    for kind, label in node.items():
        if kind not in SERVICE_KINDS:
            r.error(f"service_kinds.{kind}", node, kind, f"unknown kind (known: {', '.join(SERVICE_KINDS)})")
        elif not isinstance(label, str) or read_service_kind(label) != kind:
            r.error(f"service_kinds.{kind}", node, kind,
                    f"'{label}' must read as {kind} (use words like one-time, project, appointment / "
                    "recurring, monthly, subscription, plan)")
        else:
            kinds[kind] = label
    return kinds


def _parse_identifier(node: Any, raw: Any, r: _Reader) -> Identifier:
    """The policy's identifier; the generic 'invoice or order number' when the file gives none."""
    if node is None:
        return Identifier()
    if not isinstance(node, dict):
        r.error("identifier", raw, "identifier", "must be a mapping with label, example, pattern, prefix")
        return Identifier()
    label = r.require(node, "label", "identifier") or ""
    values = {k: str(node.get(k) or "") for k in ("example", "pattern", "prefix")}
    for k in node:
        if k not in ("label", "example", "pattern", "prefix", "named"):
            r.error(f"identifier.{k}", node, k, "unknown key")
    if values["pattern"]:
        try:
            compiled = re.compile(values["pattern"], re.I)
        except re.error as exc:
            r.error("identifier.pattern", node, "pattern", f"not a valid regular expression: {exc}")
        else:
            if values["example"] and not compiled.fullmatch(values["example"]):
                r.error("identifier.example", node, "example", "does not match the pattern")
    named = node.get("named", True)
    if not isinstance(named, bool):
        r.error("identifier.named", node, "named", "must be true or false")
        named = True
    return Identifier(label=label, named=named, **values)


def _parse_rule(rr: Any, where: str, clause: Clause, clauses: dict[str, Clause], r: _Reader) -> Optional[Rule]:
    if not isinstance(rr, dict):
        r.error(where, rr, None, "must be a mapping")
        return None
    kind = r.require(rr, "kind", where)
    outcome = r.require(rr, "outcome", where)
    summary = r.require(rr, "summary", where)
    if kind and kind not in REQUEST_KINDS:
        r.error(f"{where}.kind", rr, "kind", f"unknown request kind '{kind}' (known: {', '.join(REQUEST_KINDS)})")
    if outcome and outcome not in OUTCOMES:
        r.error(f"{where}.outcome", rr, "outcome", f"unknown outcome '{outcome}' (known: {', '.join(OUTCOMES)})")
    when: dict[str, Condition] = {}
    raw_when = rr.get("when", {}) or {}
    if not isinstance(raw_when, dict):
        r.error(f"{where}.when", rr, "when", "must be a mapping of fact: condition")
        raw_when = {}
    for fact, cond in raw_when.items():
        cw = f"{where}.when.{fact}"
        if fact not in ALL_FACTS:
            r.error(cw, raw_when, fact, f"unknown fact (known: {', '.join(ALL_FACTS)})")
            continue
        normalised = _normalise_condition(cond)
        if normalised is None:
            r.error(cw, raw_when, fact, f"condition must be a value, a list, or a mapping of {', '.join(OPERATORS)}")
            continue
        allowed = BASE_FACTS.get(fact)
        for op, operand in normalised.items():
            values = operand if op in ("in", "not_in") else [operand]
            if isinstance(allowed, tuple):
                for v in values:
                    if v not in allowed:
                        r.error(cw, raw_when, fact, f"'{v}' is not a {fact} (known: {', '.join(allowed)})")
            elif op in ("lt", "lte", "gt", "gte") and not all(isinstance(v, (int, float)) for v in values):
                r.error(cw, raw_when, fact, f"'{op}' needs a number")
        when[fact] = normalised
    priority = rr.get("priority", 0)
    if not isinstance(priority, int):
        r.error(f"{where}.priority", rr, "priority", "must be a whole number")
        priority = 0
    estimate = None
    if "estimate" in rr:
        est = rr["estimate"]
        formula = est.get("formula") if isinstance(est, dict) else None
        if not isinstance(formula, str):
            r.error(f"{where}.estimate", rr, "estimate", "needs a 'formula' text")
        else:
            try:
                unknown = formula_names(formula) - set(ALL_FACTS)
                _check_formula_nodes(formula)
                if unknown:
                    r.error(f"{where}.estimate.formula", est, "formula", f"unknown names: {', '.join(sorted(unknown))}")
                else:
                    estimate = Estimate(formula, str(est.get("note", "")))
            except (SyntaxError, ValueError) as exc:
                r.error(f"{where}.estimate.formula", est, "formula", f"not a valid formula: {exc}")
    also = _clause_list(rr, "also_cite", where, clauses, r)
    alts = _clause_list(rr, "alternatives", where, clauses, r)
    also_ask = _fact_list(rr, "also_ask", where, r)
    for k in rr:
        if k not in ("kind", "when", "outcome", "summary", "priority", "estimate", "also_cite", "alternatives",
                     "also_ask"):
            r.error(f"{where}.{k}", rr, k, "unknown key")
    if not (kind in REQUEST_KINDS and outcome in OUTCOMES and summary):
        return None
    return Rule(clause, kind, when, outcome, summary.strip(), priority, estimate, also, alts, also_ask)


def _fact_list(rr: dict, key: str, where: str, r: _Reader) -> tuple[str, ...]:
    """The customer-given facts a list names; each unknown name is reported with its own line."""
    names = rr.get(key, []) or []
    if not isinstance(names, list):
        r.error(f"{where}.{key}", rr, key, "must be a list of facts the customer gives")
        return ()
    found = []
    for i, name in enumerate(names):
        if name in BASE_FACTS:
            found.append(name)
        else:
            r.error(f"{where}.{key}[{i}]", names, i, f"'{name}' is not a fact the customer gives "
                                                     f"(known: {', '.join(BASE_FACTS)})")
    return tuple(found)


def _clause_list(rr: dict, key: str, where: str, clauses: dict[str, Clause], r: _Reader) -> tuple[Clause, ...]:
    """The clauses a list of clause ids names; each unknown id is reported with its own line."""
    ids = rr.get(key, []) or []
    if not isinstance(ids, list):
        r.error(f"{where}.{key}", rr, key, "must be a list of clause ids")
        return ()
    found = []
    for i, cid in enumerate(ids):
        if cid in clauses:
            found.append(clauses[cid])
        else:
            r.error(f"{where}.{key}[{i}]", ids, i, f"no clause with id '{cid}'")
    return tuple(found)


def _normalise_condition(cond: Any) -> Optional[Condition]:
    if isinstance(cond, dict):
        if not cond or any(op not in OPERATORS for op in cond):
            return None
        return {str(op): (list(v) if isinstance(v, list) else v) for op, v in cond.items()}
    if isinstance(cond, list):
        return {"in": list(cond)}
    if isinstance(cond, (str, int, float, bool)):
        return {"eq": cond}
    return None


_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Load,
                  ast.Constant, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd)


def _check_formula_nodes(formula: str) -> None:
    for node in ast.walk(ast.parse(formula, mode="eval")):
        if not isinstance(node, _ALLOWED_NODES):
            raise ValueError(f"'{type(node).__name__}' is not allowed (use numbers, fact names, + - * /, max, min, round)")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FORMULA_FUNCTIONS):
            raise ValueError("only max, min and round may be called")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ValueError("only numbers may appear as constants")
