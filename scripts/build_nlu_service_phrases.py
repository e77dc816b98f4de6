"""Writes data/nlu/service_phrases.yml: request phrasings crossed with the services customers name.

    .venv/bin/python scripts/build_nlu_service_phrases.py

Off-topic training messages name the same services ("the network installation", "my antivirus
plan") as requests do, so a bag-of-words classifier learns that the service says nothing about
the intent and the verb says everything. The sample is fixed (seeded).
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_INTENT = 90
SERVICES = (
    "the network installation", "the onsite visit", "the remote support session", "my antivirus subscription",
    "the monitoring plan", "the backup service", "the website hosting", "the web development project",
    "the server upgrade", "the laptop repair", "our managed IT plan", "the patch management plan",
    "the firewall licences", "the email migration", "the data recovery job", "the printer setup",
    "the wifi installation", "the cloud backup add-on", "the helpdesk subscription", "the security audit",
    "the Office 365 setup", "the VPN configuration", "my support contract", "the premium support tier",
    "the annual maintenance plan", "the cybersecurity package", "the domain renewal", "the SEO package",
    "the IT consultation", "the hardware install", "order 4471", "invoice INV-30219", "the technician visit",
    "the virus removal", "the 3 extra seats", "the file integrity monitoring", "the managed backup plan",
)
PHRASES: dict[str, tuple[str, ...]] = {
    "cancel_service": (
        "please cancel {s}", "I want to cancel {s}", "call off {s}", "we'd like to discontinue {s}",
        "don't renew {s}", "terminate {s} please", "we no longer want {s}, cancel it", "cancel {s} for next week",
        "I need to cancel {s} we booked", "scrap {s}, we're not going ahead", "please don't go ahead with {s}",
        "end {s} at the end of this month", "switch off {s} and stop billing me for it", "unsubscribe me from {s}",
        "take {s} off the schedule", "how do I cancel {s}?", "can I still cancel {s}?",
        "we've decided against {s}, please cancel", "I don't need {s} anymore, cancel it",
        "pull the plug on {s}", "cancel {s} effective immediately", "stop {s} from renewing",
        "can you cancel {s}? we're switching providers", "i wanna cancle {s}", "no more {s} for us, please end it",
    ),
    "request_refund": (
        "I want a refund for {s}", "can I get my money back for {s}?", "please reimburse me for {s}",
        "{s} never happened, I want my money back", "I was charged twice for {s}", "refund {s} please",
        "could we have the deposit back for {s}?", "credit back what I paid for {s}",
        "return the payment for {s}, it didn't work", "I'd like compensation for {s}",
        "you billed me double for {s}", "{s} was botched, refund me", "please send back the money for {s}",
        "I paid for {s} but never got it, I want a refund", "I want a rebate on {s}",
        "how do I get a refund for {s}?", "give me back what I paid for {s}", "refund the duplicate charge for {s}",
        "we cancelled {s} but you still charged us, refund it", "I need reimbursement for {s}",
        "{s} was not what you described, I want my money returned", "pls refund {s} asap",
    ),
    "check_request_status": (
        "any update on my refund for {s}?", "I'm still waiting for the money back for {s}",
        "has the refund for {s} been processed?", "what's the status of my cancellation of {s}?",
        "you said you'd refund {s} a week ago, where is it?", "did my cancellation of {s} go through?",
        "still no refund for {s}", "is my refund request for {s} approved yet?",
        "following up on the refund for {s}", "I asked for a refund on {s} days ago, any news?",
        "the refund for {s} still isn't on my card", "has anyone looked at my request about {s}?",
        "when will I see the refund for {s}?", "checking on my claim for {s}",
    ),
    "ask_refund_policy": (
        "is {s} refundable?", "can {s} be refunded once it has started?", "what's the cancellation fee for {s}?",
        "how much notice do I need to give to cancel {s}?", "if I cancel {s} mid-month, do I get a prorated refund?",
        "what's your refund policy for {s}?", "is there a time limit to ask for a refund on {s}?",
        "would I get a refund on {s} if the tech can't fix it?", "do you refund {s} to the original card?",
        "how long does a refund for {s} usually take?", "can I get a service credit instead of a refund for {s}?",
        "what happens to my money if {s} is cancelled by you?",
    ),
}


def main() -> int:
    rng = random.Random(77)
    blocks = []
    for intent, phrases in PHRASES.items():
        combos = [p.format(s=s) for p in phrases for s in SERVICES]
        chosen = sorted(set(rng.sample(combos, min(PER_INTENT, len(combos)))))
        chosen = [c[0].upper() + c[1:] if rng.random() < 0.5 else c for c in chosen]
        blocks.append(f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {c}\n" for c in chosen))
    (ROOT / "data/nlu/service_phrases.yml").write_text(
        "# Generated by scripts/build_nlu_service_phrases.py; do not edit by hand.\n"
        'version: "3.1"\n\nnlu:\n' + "\n".join(blocks))
    print(", ".join(f"{i}: {PER_INTENT}" for i in PHRASES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
