"""Reference guessing over real servers, as the second review tried it: the look-up limits hold
across `/restart`, new sender ids, a forged client address and a restart of both servers; the refund
form's "you already have an open request" counts as a look-up.

The assistant runs behind a pretend reverse proxy (FORWARDED_FOR_HEADER=X-Forwarded-For), so that
one test can be several clients: each request carries a spoofed first entry and the proxy's last one.
"""
from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any, Iterator, Optional

import pytest

from refund_desk.facts import REFERENCE_WRITTEN
from refund_desk.lookup_limits import CLIENT_LIMIT, CONVERSATION_LIMIT
from refund_desk.records import new_reference
from tests.support.servers import latest_model, running_assistant

pytestmark = pytest.mark.e2e
NOT_FOUND, USED_UP, SHOWN = "couldn't find a request", "can't look up any more", "waiting for the team"


@pytest.fixture(scope="module")
def behind_proxy() -> Iterator[Any]:
    with running_assistant(extra_env={"FORWARDED_FOR_HEADER": "X-Forwarded-For"}, model=latest_model()) as assistant:
        yield assistant


def say(assistant, sender: str, text: str, client: str, metadata: Optional[dict] = None) -> str:
    body = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
    req = urllib.request.Request(f"{assistant.rasa_url}/webhooks/rest/webhook", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          "X-Forwarded-For": f"6.6.6.6, {client}"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return "\n".join(m.get("text") or "" for m in json.loads(resp.read()))


def open_refund(assistant, sender: str, invoice: str, email: str, client: str) -> str:
    say(assistant, sender, f"I want a refund for invoice {invoice}, you charged me twice yesterday", client)
    say(assistant, sender, "Kim Park", client)
    say(assistant, sender, email, client)
    return say(assistant, sender, "yes", client)


def guess(assistant, sender: str, client: str, reference: Optional[str] = None, **kw) -> str:
    return say(assistant, sender, f"what's the status of {reference or new_reference('refund')}?", client, **kw)


def test_guessing_is_refused_across_restart_new_senders_and_a_server_restart(behind_proxy):
    run = uuid.uuid4().hex[:6]
    owner_said = open_refund(behind_proxy, f"owner-{run}", f"INV-{uuid.uuid4().int % 90000 + 10000}",
                             f"owner.{run}@example.com", "10.1.0.1")
    real = REFERENCE_WRITTEN.search(owner_said).group()
    guesser, client = f"guesser-{run}", "10.1.0.2"
    for _ in range(CONVERSATION_LIMIT.most):
        assert NOT_FOUND in guess(behind_proxy, guesser, client)
    assert USED_UP in guess(behind_proxy, guesser, client)
    say(behind_proxy, guesser, "/restart", client)
    after_restart = guess(behind_proxy, guesser, client, real)
    assert USED_UP in after_restart and SHOWN not in after_restart, after_restart
    # new sender ids from the same client: its limit
    for i in range(CLIENT_LIMIT.most - CONVERSATION_LIMIT.most):
        assert NOT_FOUND in guess(behind_proxy, f"{guesser}-{i}", client)
    new_sender = guess(behind_proxy, f"{guesser}-new", client, real)
    assert USED_UP in new_sender and real not in new_sender and SHOWN not in new_sender, new_sender
    # a client address the client writes into its metadata is not believed
    forged = guess(behind_proxy, f"{guesser}-forged", client, real, metadata={"client_address": "10.9.9.9"})
    assert USED_UP in forged and SHOWN not in forged, forged
    # nor does a restart of both servers reset the counts
    behind_proxy.restart_actions()
    behind_proxy.restart_rasa()
    restarted = guess(behind_proxy, f"{guesser}-after-restart", client, real)
    assert USED_UP in restarted and SHOWN not in restarted, restarted
    # another client, with the right reference, is answered
    assert SHOWN in guess(behind_proxy, f"someone-{run}", "10.1.0.3", real)


def test_the_already_open_answer_counts_as_a_lookup(behind_proxy):
    run = uuid.uuid4().hex[:6]
    invoice, email = f"INV-{uuid.uuid4().int % 90000 + 10000}", f"victim.{run}@example.com"
    real = REFERENCE_WRITTEN.search(open_refund(behind_proxy, f"victim-{run}", invoice, email, "10.2.0.1")).group()
    stranger = "10.2.0.2"
    told = open_refund(behind_proxy, f"stranger-{run}", invoice, email, stranger)
    assert real in told and "already have an open refund request" in told, told  # counted: 1
    for i in range(CLIENT_LIMIT.most - 1):  # 9 failed guesses, each from a new sender id
        assert NOT_FOUND in guess(behind_proxy, f"stranger-{run}-{i}", stranger)
    withheld = open_refund(behind_proxy, f"stranger-{run}-last", invoice, email, stranger)
    assert real not in withheld and "already an open refund request" in withheld, withheld
    assert not REFERENCE_WRITTEN.search(withheld)
    records = [r for r in behind_proxy.cli_json("requests", "list") if r["invoice_number"] == invoice]
    assert [r["reference"] for r in records] == [real]
