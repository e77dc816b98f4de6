"""`refund-desk`: the staff command line for request records and refund-policy files."""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date, datetime
from typing import Any, Optional, Sequence, TextIO

from refund_desk.eligibility import Decision, decide
from refund_desk.facts import BASE_FACTS, REFUND_REASONS, REQUEST_KINDS, decode_fact
from refund_desk.outbox import SmtpTransport, outbox_counts, record_store, run_sender
from refund_desk.report import current_report
from refund_desk.records import STATUSES, RecordStore, RecordStoreUnavailable, UnknownRequest
from refund_desk.refund_policy_loader import RefundPolicyError, check_refund_policy, load_refund_policy
from refund_desk.schema import current_revision, upgrade_database
from refund_desk.settings import load_settings
from refund_desk.staff import StaffDesk, StaffError

LIST_COLUMNS = ("reference", "kind", "status", "invoice_number", "eligibility", "customer_name",
                "channel", "created_at")


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _print_record(record: dict[str, Any]) -> None:
    for key, value in record.items():
        if key in ("policy_clauses", "history", "facts"):
            continue
        print(f"{key:>15}: {'' if value is None else value}")
    for clause in record["policy_clauses"]:
        print(f"{'clause':>15}: [{clause['id']}] “{clause['text']}”")
    for change in record["history"]:
        note = f" ({change['note']})" if change["note"] else ""
        note += " [shown to the customer]" if change.get("for_customer") else ""
        print(f"{'history':>15}: {change['at']} {change['from'] or '-'} -> {change['to']} by {change['by']}{note}")


def cmd_requests(args: argparse.Namespace) -> int:
    store = record_store(load_settings())  # a note for the customer is e-mailed to them too
    if args.action == "list":
        records = store.list(status=args.status, kind=args.kind)
        if args.json:
            _print_json(records)
        elif not records:
            print("no requests" + (f" with status {args.status}" if args.status else ""))
        else:
            rows = [[str(r[c] or "") for c in LIST_COLUMNS] for r in records]
            widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(LIST_COLUMNS)]
            print("  ".join(c.ljust(w) for c, w in zip(LIST_COLUMNS, widths)))
            for row in rows:
                print("  ".join(v.ljust(w) for v, w in zip(row, widths)))
        return 0
    if args.action == "show":
        record = store.get(args.reference)
        _print_json(record) if args.json else _print_record(record)
        return 0
    record = store.set_status(args.reference, args.status, actor=args.by, note=args.note,
                              for_customer=args.for_customer)
    _print_json(record) if args.json else print(f"{record['reference']} is now {record['status']}")
    return 0


def read_password(stream: Optional[TextIO] = None) -> str:
    """The new password: asked twice without echo on a terminal, else one line of standard input."""
    stream = stream or sys.stdin
    if stream.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise StaffError("the two passwords differ")
        return password
    return stream.readline().rstrip("\r\n")


def cmd_staff(args: argparse.Namespace) -> int:
    desk = StaffDesk(RecordStore(load_settings().database_url))
    if args.action == "add":
        print(f"staff account {desk.add(args.email, read_password())} added")
    elif args.action == "remove":
        desk.remove(args.email)
        print(f"staff account {args.email.strip().lower()} removed (its sessions ended)")
    else:
        accounts = desk.list()
        if args.json:
            _print_json(accounts)
        for account in [] if args.json else accounts:
            print(f"{account['email']}  (since {account['created_at']})")
        if not accounts and not args.json:
            print("no staff accounts")
    return 0


def cmd_mail(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = RecordStore(settings.database_url)
    if args.action == "status":
        _print_json(outbox_counts(store.engine))
        return 0
    if not settings.smtp_url:
        print("e-mail is off: SMTP_URL is not set")
        return 0
    run_sender(store.engine, SmtpTransport(settings.smtp_url), settings.mail_from, once=args.once)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    settings = load_settings()
    since = datetime.combine(args.since, datetime.min.time()) if args.since else None
    report = current_report(settings, RecordStore(settings.database_url), since)
    if args.json:
        _print_json(report)
        return 0
    _print_figures(report)
    for group in ("per_policy", "per_channel"):
        for name, figures in report[group].items():
            print(f"\n{group.replace('per_', '')}: {name}")
            _print_figures(figures)
    return 0


def _print_figures(figures: dict[str, Any]) -> None:
    total = figures["conversations"]
    for key in ("conversations", "resolved_by_assistant", "handed_off", "abandoned", "requests_opened"):
        share = f" ({figures[key] / total:.0%})" if total and key != "conversations" and key != "requests_opened" else ""
        print(f"{key.replace('_', ' '):>30}: {figures[key]}{share}")
    for key in ("requests_by_kind", "requests_by_outcome"):
        print(f"{key.replace('_', ' '):>30}: " + (", ".join(f"{k} {v}" for k, v in figures[key].items()) or "none"))
    hours = figures["median_hours_to_status_change"]
    print(f"{'median hours to status change':>30}: {'n/a' if hours is None else hours}")
    csat = figures["csat"]
    share = "n/a" if csat["average"] is None else f"{csat['average']:.0%} said it helped"
    print(f"{'CSAT':>30}: {share} ({csat['responses']} answers)")


def cmd_db(args: argparse.Namespace) -> int:
    store = RecordStore(load_settings().database_url)
    upgrade_database(store.engine)  # RecordStore applied them already on connecting; this says so
    with store.engine.connect() as conn:
        print(f"records database at revision {current_revision(conn)}")
    return 0


def _parse_fact(raw: str) -> tuple[str, Any]:
    name, sep, value = raw.partition("=")
    if not sep or name not in BASE_FACTS:
        raise argparse.ArgumentTypeError(f"'{raw}': expected NAME=VALUE with NAME one of {', '.join(BASE_FACTS)}")
    try:
        return name, decode_fact(name, value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{raw}': {exc}") from exc


def _print_decision(decision: Decision) -> None:
    print(f"{decision.company}: {decision.kind} -> {decision.outcome}")
    print(f"  {decision.summary}")
    if decision.estimate:
        e = decision.estimate
        print(f"  estimate (subject to review): {e.amount:,.2f} {e.currency}  [{e.working}]"
              + (f" {e.note}" if e.note else ""))
    for clause in decision.clauses:
        print(f"  [{clause.id}] {clause.section}: “{clause.text}”")
    for alt in decision.alternatives:
        print(f"  alternative [{alt.id}]: “{alt.text}”")
    for step in decision.next_steps:
        print(f"  next: {step}")


def cmd_policy(args: argparse.Namespace) -> int:
    if args.action == "check":
        errors = check_refund_policy(args.file)
        for error in errors:
            print(f"{args.file}: {error}", file=sys.stderr)
        if not errors:
            policy = load_refund_policy(args.file)
            print(f"{args.file}: ok ({policy.company}: {len(policy.clauses)} clauses, {len(policy.rules)} rules)")
        return 1 if errors else 0
    policy = load_refund_policy(args.policy or load_settings().refund_policy)
    facts: dict[str, Any] = dict(args.fact or [])
    if args.reason:
        facts["refund_reason"] = args.reason
    if args.service_date:
        facts["service_date"] = args.service_date
    decision = decide(policy, args.kind, facts, args.today or date.today())
    _print_json(decision.to_dict()) if args.json else _print_decision(decision)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="refund-desk", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True)

    requests = groups.add_parser("requests", help="request records")
    actions = requests.add_subparsers(dest="action", required=True)
    p = actions.add_parser("list", help="list requests")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--kind", choices=("refund", "cancellation", "chargeback", "handoff"))
    p.add_argument("--json", action="store_true")
    p = actions.add_parser("show", help="show one request")
    p.add_argument("reference")
    p.add_argument("--json", action="store_true")
    p = actions.add_parser("set-status", help="change a request's status")
    p.add_argument("reference")
    p.add_argument("status", choices=STATUSES)
    p.add_argument("--note", help="why (staff only unless --for-customer)")
    p.add_argument("--for-customer", action="store_true",
                   help="the customer may be shown the note when they check the status")
    p.add_argument("--by", default=getpass.getuser(), help="who makes the change (default: you)")
    p.add_argument("--json", action="store_true")
    requests.set_defaults(func=cmd_requests)

    staff = groups.add_parser("staff", help="staff accounts for the console")
    actions = staff.add_subparsers(dest="action", required=True)
    p = actions.add_parser("add", help="add an account (the password: one line on standard input)")
    p.add_argument("email")
    p = actions.add_parser("remove", help="remove an account and end its sessions")
    p.add_argument("email")
    p = actions.add_parser("list", help="list the accounts")
    p.add_argument("--json", action="store_true")
    staff.set_defaults(func=cmd_staff)

    db = groups.add_parser("db", help="the records database")
    actions = db.add_subparsers(dest="action", required=True)
    actions.add_parser("upgrade", help="apply the schema migrations (make run does it before starting)")
    db.set_defaults(func=cmd_db)

    report = groups.add_parser("report", help="did the assistant help? resolution, hand-offs, requests")
    report.add_argument("--since", type=date.fromisoformat, help="from this date (YYYY-MM-DD)")
    report.add_argument("--json", action="store_true")
    report.set_defaults(func=cmd_report)

    mail = groups.add_parser("mail", help="the e-mail outbox")
    actions = mail.add_subparsers(dest="action", required=True)
    p = actions.add_parser("run", help="deliver the outbox's e-mail over SMTP_URL until stopped (make run starts it)")
    p.add_argument("--once", action="store_true", help="one round, then exit")
    actions.add_parser("status", help="how many e-mails are sent, waiting and retrying")
    mail.set_defaults(func=cmd_mail)

    policy = groups.add_parser("policy", help="refund-policy files")
    actions = policy.add_subparsers(dest="action", required=True)
    p = actions.add_parser("check", help="validate a refund-policy file")
    p.add_argument("file")
    p = actions.add_parser("decide", help="decide a request with a refund policy")
    p.add_argument("--policy", help="refund-policy file (default: REFUND_POLICY)")
    p.add_argument("--kind", choices=REQUEST_KINDS, required=True)
    p.add_argument("--reason", choices=REFUND_REASONS)
    p.add_argument("--service-date", type=lambda v: decode_fact("service_date", v))
    p.add_argument("--today", type=date.fromisoformat)
    p.add_argument("--fact", type=_parse_fact, action="append", metavar="NAME=VALUE")
    p.add_argument("--json", action="store_true")
    policy.set_defaults(func=cmd_policy)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UnknownRequest as exc:
        print(f"refund-desk: no request with reference {exc}", file=sys.stderr)
        return 2
    except RecordStoreUnavailable as exc:
        print(f"refund-desk: the request database is unavailable: {exc}", file=sys.stderr)
        return 3
    except StaffError as exc:
        print(f"refund-desk: {exc}", file=sys.stderr)
        return 1
    except RefundPolicyError as exc:
        print(f"refund-desk: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
