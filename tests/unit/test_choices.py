"""refund_desk.choices: which requests are offered when the classifier is unsure."""
import pytest

from refund_desk.choices import chosen_request, likeliest_requests, ranking_of
from refund_desk.replies import REQUEST_CHOICES, request_buttons


@pytest.mark.parametrize("ranking, offered", [
    # the likeliest offerable requests, likeliest first, at most three
    ([("request_refund", 0.38), ("check_request_status", 0.33), ("ask_refund_policy", 0.2), ("greet", 0.09)],
     ["request_refund", "check_request_status", "ask_refund_policy"]),
    ([("cancel_service", 0.3), ("request_refund", 0.28), ("chargeback", 0.2), ("request_human", 0.15)],
     ["cancel_service", "request_refund", "chargeback"]),
    # intents that are no request (off-topic, greetings, bare details) are never offered
    ([("out_of_scope", 0.36), ("inform", 0.3), ("ask_refund_policy", 0.2), ("request_human", 0.1)],
     ["ask_refund_policy", "request_human"]),
    # a request below 5% is left out when two are left ...
    ([("request_refund", 0.5), ("cancel_service", 0.4), ("chargeback", 0.04)], ["request_refund", "cancel_service"]),
    # ... and topped up to two when fewer are
    ([("out_of_scope", 0.9), ("request_refund", 0.06), ("request_human", 0.01), ("chargeback", 0.005)],
     ["request_refund", "request_human"]),
    # the ranking's order does not matter
    ([("ask_refund_policy", 0.1), ("request_refund", 0.3)], ["request_refund", "ask_refund_policy"]),
    ([("greet", 0.9), ("affirm", 0.1)], []),
    ([], []),
])
def test_likeliest_requests(ranking, offered):
    assert likeliest_requests(ranking) == offered


def test_at_most_is_respected():
    ranking = [(name, 0.1) for name in REQUEST_CHOICES]
    assert len(likeliest_requests(ranking, most=2)) == 2


def test_ranking_of_a_parse_leaves_the_fallback_out():
    parse = {"intent": {"name": "nlu_fallback", "confidence": 0.4},
             "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4},
                                {"name": "request_refund", "confidence": 0.35}]}
    assert ranking_of(parse) == [("request_refund", 0.35)]
    assert ranking_of({"intent": {"name": "greet"}}) == []


@pytest.mark.parametrize("text, chosen", [
    ("/request_refund", "request_refund"), (" /ask_refund_policy ", "ask_refund_policy"),
    ("/greet", None), ("/affirm", None), ("request_refund", None), ("", None), (None, None),
    ("/request_refund{\"x\": 1}", None),
])
def test_chosen_request(text, chosen):
    assert chosen_request(text) == chosen


def test_every_button_is_plain_words_and_sends_its_request():
    buttons = request_buttons(list(REQUEST_CHOICES))
    assert [b["payload"] for b in buttons] == [f"/{name}" for name in REQUEST_CHOICES]
    assert all(b["title"] and "_" not in b["title"] for b in buttons)
    assert all(chosen_request(b["payload"]) == name for b, name in zip(buttons, REQUEST_CHOICES))
