"""Messages no form asked for: refund requests told as a story, and details the policy never asks."""
from datetime import date

import pytest

from refund_desk.form_reading import (already_disputed, asks_about_cancelling, asks_for_money_back_not_to_cancel,
                                      asks_to_cancel_after_a_double_charge, asks_to_cancel_without_a_refund,
                                      mentions_money_back, read_message, reads_as_a_refund_of_a_started_service,
                                      reads_as_a_refund_request)
from refund_desk.parsing import DEFAULT_INVOICE

TODAY = date(2026, 11, 23)
# A policy that never asks the date (ITMediaSolutions: the work status and the kind decide).
NO_DATE = ["invoice_number", "service_kind", "refund_reason", "service_status", "customer_name", "customer_email",
           "confirmed"]


@pytest.mark.parametrize("text, opens", [
    ("we paid for a firewall audit last week and it never happened", True),
    ("the migration you did doesn't match the scope we agreed, money back?", True),
    ("the backup project kicked off on Monday but we don't need it anymore", True),
    ("I'd like my money back for the router install", True),
    ("INV-20431", False),
    ("my e-mail is jane@example.com", False),
    ("cancel my monitoring plan, we don't need it", False),
    ("has my refund for the audit that never happened been approved?", False),
    ("what's the weather like", False),
    # a plan billed twice is a refund of the duplicate payment, not a cancellation of the plan
    ("my monthly support package was billed twice on December 1st. Subscription SUB-2026-00318.", True),
    ("my monthly plan was billed twice, please cancel it", False),
    ("my monitoring subscription isn't worth it anymore", False),
    # a reason given, though its clauses disagree which (a mistake, a failed fix): a refund request all the same
    ("hi, a few days ago your tech did a driver update and my screen flickers since. he couldn't fix it on the "
     "second call either.", True),
])
def test_a_message_no_rule_places_opens_a_refund_when_it_asks_for_one_or_gives_a_reason(text, opens):
    assert reads_as_a_refund_request(text) is opens


@pytest.mark.parametrize("text, refund", [
    ("the data migration started on Monday but we no longer need it", True),
    ("our website project is already underway and we don't want it any more", True),
    ("the audit began last week, the company was sold, we don't need it", True),
    ("cancel the data migration, it started on Monday", False),  # asks to cancel: stays a cancellation
    ("we no longer need the monitoring subscription that started in March", False),  # a plan
    ("the installation hasn't started yet and we don't need it", False),  # ahead: a cancellation
    ("we no longer need the installation next week", False),
    # delivered work told in one sentence of a story (read alone; the whole message was not sure enough)
    ("The brochure design was handed over last week, but the event was called off, so we no longer need it.", True),
    ("You delivered the new website on Monday. Our funding fell through and we don't need it now, can we send it back?",
     True),
    ("We received the finished video yesterday; the product launch is scrapped. Any chance of giving it back?", True),
    ("The server setup is scheduled for the 18th. We no longer need it.", False),
    ("The technician is coming on Friday, my son fixed it already", False),
    ("our monthly monitoring has been running since March, we don't need it anymore", False),  # a plan
    # a stop of the service asked for in words is a cancellation, whatever the kind was read as
    ("We've been on your monthly SEO package since the spring, and we would like to stop the service please.", False),
])
def test_a_one_time_service_already_begun_is_a_refund_not_a_cancellation(text, refund):
    assert reads_as_a_refund_of_a_started_service(text) is refund


def read(text, requested=None, known=None, wanted=NO_DATE, kind="refund"):
    return read_message(text, "request_refund", requested, wanted, known or {}, kind, TODAY, 0, DEFAULT_INVOICE)


@pytest.mark.parametrize("text, requested, known, service_date", [
    ("You delivered our site on Nov 10 and we don't like it", None, {}, "2026-11-10"),
    ("the logo was handed over last Friday", "refund_reason", {}, "2026-11-20"),
    ("a one-time project, finished on 3 November", "service_kind", {}, "2026-11-03"),
    ("the work starts on December 5", None, {}, None),                        # still to come: no service date
    ("the 1st", "next_billing_date", {}, None),                               # the answer to another date
    ("1010", "amount_paid", {}, None),                                        # a number, not a date
    ("we hate it, it went live Nov 12", None, {"service_date": "2026-11-10"}, None),  # known: changed only when asked
])
def test_a_service_date_the_policy_never_asks_is_kept_when_clearly_stated(text, requested, known, service_date):
    r = read(text, requested=requested, known=known)
    assert r.values.get("service_date") == service_date
    assert not any("date" in p.lower() for p in r.problems)


@pytest.mark.parametrize("text, asks", [
    ("cancel it and pay back the weeks I did not use", True),
    ("we'd like what remains of the year credited back", True),
    ("Could we get back the months we never used?", True),
    ("return the remaining balance to my card please", True),
    # a refund declined, or a charge the customer expects to keep paying, asks for nothing back
    ("I don't need a refund, just stop the renewal", False),
    ("no need to pay me back anything, only close the account", False),
    ("I know I won't get this month's fee back", False),
    ("please stop the plan before it bills again", False),
])
def test_whether_a_message_asks_for_money_back(text, asks):
    assert mentions_money_back(text) is asks


@pytest.mark.parametrize("text, question", [
    # the terms of cancelling: answered from the policy, not a request
    ("what happens to my data if I cancel the monitoring plan?", True),
    ("is it possible to cancel only the patching part and keep antivirus?", True),
    ("Do you charge anything when a subscription is cancelled mid-month?", True),
    ("Is there a minimum term, or can we terminate the retainer any time? Just checking before we sign.", True),
    # a service of the customer's named by its date or identifier, how to cancel, or a wish to cancel now
    ("Could I cancel the router installation on the 14th? We found another supplier.", False),
    ("can i cancel INV-20431?", False),
    ("how do I cancel my subscription?", False),
    ("Can I cancel? I want to cancel my plan now.", False),
    ("please cancel my plan today", False),
    ("I just don't want it to renew next year. Can you just cancel the renewal instead?", False),
    ("could you cancel the monitoring for us?", False),
])
def test_a_question_about_the_terms_of_cancelling(text, question):
    assert asks_about_cancelling(text, TODAY) is question


@pytest.mark.parametrize("text, refund", [
    # money back asked for, and no cancelling named: the classifier's cancellation is a refund
    ("Our annual training renewed last Tuesday; we will not use it going forward. Is it possible to get back the "
     "portion we won't use?", True),
    ("we want out of the contract and our money back", True),
    # cancelling named as well (a cancel word, negated or not, or a stop of the service): stays a cancellation
    ("Please don't renew my plan and refund this month", False),
    ("cancel the monitoring and give me back the unused months", False),
    ("stop the backup service and pay back the rest", False),
    ("we will not use it going forward", False),  # no money asked for
])
def test_money_back_asked_for_without_a_cancellation_is_a_refund(text, refund):
    assert asks_for_money_back_not_to_cancel(text) is refund


@pytest.mark.parametrize("text, disputed", [
    ("FYI I've already filed a dispute with American Express over invoice 30552.", True),
    ("i did a chargeback already", True),
    ("my bank reversed it", True),
    # denied or only threatened: not filed
    ("I haven't filed a chargeback yet but I will", False),
    ("we have not disputed it, nor filed a claim", False),
    ("refund it by Friday or I dispute it with my bank", False),
])
def test_a_dispute_already_filed_is_told_from_one_denied_or_threatened(text, disputed):
    assert already_disputed(text) is disputed


@pytest.mark.parametrize("text, cancellation", [
    # the sentence that asks to cancel is read on its own, the story around it does not drown it
    ("We had you booked to install the network for our new office on the 18th. The lease fell through last week, "
     "so we have to cancel the installation. We paid the full $2,400 upfront - what happens with that?", True),
    ("please cancel my plan, I know I won't get this month back", True),
    ("cancel it and refund the rest", False),  # money back asked for
    # no "cancel" said: WebPro's refund clause is ending the contract without a reason
    ("Hallo, I want to stop the contract, no special reason. You resolved two problems for me. I paid 149,99.", False),
])
def test_a_cancellation_asked_for_without_money_back(text, cancellation):
    assert asks_to_cancel_without_a_refund(text) is cancellation


@pytest.mark.parametrize("text, both", [
    ("Two things. First, you charged me twice for December on my monthly support plan. Second, after this I'm done, "
     "please cancel the plan.", True),
    ("You charged me twice for it! Refund the duplicate and please cancel the plan.", True),
    # one request: a charge for another month (no double charge read surely), cancelling refused, no cancel asked
    ("I got billed yesterday for another month of support. I want to cancel now. I know I probably won't get "
     "yesterday's charge back.", False),
    ("I was charged twice. Please don't cancel anything.", False),
    ("you charged me twice for december", False),
])
def test_a_double_charge_and_a_cancellation_asked_together(text, both):
    assert asks_to_cancel_after_a_double_charge(text) is both
