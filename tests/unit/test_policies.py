"""When RulePolicy's prediction wins whatever a lower-priority policy says (connectors.policies)."""
import pytest
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from connectors.policies import remember_rule_prediction, remembered_rule_prediction, rules_win

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [request_refund]
responses:
  utter_greet:
  - text: hi
actions: [action_submit_refund]
""")
START = [ActionExecuted("action_listen"), UserUttered("refund please", intent={"name": "request_refund"})]
RULE, MEMO, TED = 6, 3, 1  # Rasa's default priorities


def rule_prediction(action: str, confidence: float, *, no_user: bool = False, priority: int = RULE):
    probabilities = [0.0] * len(DOMAIN.action_names_or_texts)
    probabilities[DOMAIN.index_for_action(action)] = confidence
    return PolicyPrediction(probabilities, "RulePolicy", priority, is_no_user_prediction=no_user)


@pytest.mark.parametrize("events, prediction, priority, wins", [
    (START, rule_prediction("action_submit_refund", 1.0), TED, True),          # a rule applies
    (START, rule_prediction("action_submit_refund", 1.0), MEMO, True),
    (START, rule_prediction("action_default_fallback", 0.3), TED, False),      # no rule: fallback score
    (START, rule_prediction("action_submit_refund", 0.99), TED, False),
    (START, rule_prediction("action_submit_refund", 1.0, priority=1), TED, False),  # not above the other
    (START, rule_prediction("action_listen", 0.0, no_user=True), TED, True),   # a form's happy path
    (START + [ActionExecutionRejected("action_submit_refund")],
     rule_prediction("action_submit_refund", 1.0), TED, False),                # the ensemble zeroes it
    (START + [ActionExecutionRejected("utter_greet")],
     rule_prediction("action_submit_refund", 1.0), TED, True),                 # another action rejected
    (START + [ActionExecutionRejected("action_submit_refund"), ActionExecuted("action_listen")],
     rule_prediction("action_submit_refund", 1.0), TED, True),                 # rejected before the last action
    (START, None, TED, False),                                                 # RulePolicy has not run
])
def test_rules_win(events, prediction, priority, wins):
    tracker = DialogueStateTracker.from_events("s", events)
    assert rules_win(prediction, tracker, DOMAIN, priority) is wins


def test_a_remembered_prediction_holds_for_its_own_step_only():
    tracker = DialogueStateTracker.from_events("s", START)
    prediction = rule_prediction("action_submit_refund", 1.0)
    remember_rule_prediction(tracker, prediction)
    assert remembered_rule_prediction(tracker) is prediction
    tracker.update(ActionExecuted("action_submit_refund"))
    assert remembered_rule_prediction(tracker) is None
    assert remembered_rule_prediction(DialogueStateTracker.from_events("s", START)) is None
