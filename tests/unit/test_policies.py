"""FormAwareTEDPolicy skips TED exactly where RulePolicy's form happy path decides."""
import pytest
from rasa.shared.core.events import (ActionExecuted, ActionExecutionRejected, ActiveLoop, SlotSet,
                                     UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

from connectors.policies import form_decides

USER = UserUttered("Jane Doe", intent={"name": "inform", "confidence": 0.9})
START = [ActionExecuted("action_listen"), UserUttered("refund please", intent={"name": "request_refund"})]
IN_FORM = START + [ActionExecuted("refund_form"), ActiveLoop("refund_form"), SlotSet("requested_slot", "customer_name")]


@pytest.mark.parametrize("events, decides", [
    (START, False),                                                   # no form yet: rules or TED choose
    (IN_FORM, True),                                                  # form ran: action_listen follows
    (IN_FORM + [ActionExecuted("action_listen"), USER], True),        # answer inside the form: the form runs
    (IN_FORM + [ActionExecuted("action_listen"), USER,
                ActionExecutionRejected("refund_form")], False),      # form rejected: rules/TED decide
    (IN_FORM + [ActionExecuted("refund_form"), ActiveLoop(None)], False),  # form done: what next is open
])
def test_form_decides(events, decides):
    tracker = DialogueStateTracker.from_events("s", events)
    assert form_decides(tracker) is decides
