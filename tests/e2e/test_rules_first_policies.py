"""The trained model decides every step of every story and rule as it does with no policy skipped.

connectors.policies lets the memoization and TED policies skip their run where RulePolicy's
prediction wins anyway. Here each prediction point of the training stories and rules and of the
test stories is predicted twice with the trained model: as served, and with the skip switched
off (every policy runs). The chosen action, the policy that chose it, its confidence and the
events must be the same; and the skip must have happened, or this compares nothing.
"""
from __future__ import annotations

import asyncio

import pytest
from rasa.core.agent import Agent
from rasa.core.training import load_data
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import connectors.policies as rules_first
from tests.support.servers import PROJECT_ROOT, latest_model

pytestmark = pytest.mark.e2e

STORY_FILES = ["data/stories", "data/rules", "tests/stories"]


@pytest.fixture(scope="module")
def agent() -> Agent:
    return Agent.load(str(latest_model()))


def prediction_points(agent: Agent) -> list[list[Event]]:
    """Every story's or rule's events up to (not including) one of its actions."""
    domain = agent.domain
    prefixes = []
    for path in STORY_FILES:
        for tracker in load_data(str(PROJECT_ROOT / path), domain, augmentation_factor=0):
            events = list(tracker.events)
            for i, event in enumerate(events):
                if i and isinstance(event, ActionExecuted) and event.action_name in domain.action_names_or_texts:
                    prefixes.append(events[:i])
    return prefixes


def decide(agent: Agent, events: list[Event]) -> tuple:
    """The next action and what chose it, on a new tracker (a prediction may change its tracker)."""
    tracker = DialogueStateTracker.from_events("points", events, agent.domain.slots)
    prediction = agent.processor._predict_next_with_tracker(tracker)
    action = agent.domain.action_names_or_texts[max(range(len(prediction.probabilities)),
                                                    key=prediction.probabilities.__getitem__)]
    return (action, prediction.policy_name, round(prediction.max_confidence, 6),
            prediction.is_no_user_prediction,
            [{k: v for k, v in e.as_dict().items() if k != "timestamp"} for e in prediction.events])


def test_every_story_step_is_decided_as_with_every_policy_run(agent, monkeypatch):
    points = prediction_points(agent)
    assert len(points) > 200, "the stories and rules give too few prediction points to compare"

    skipped = []
    real_check = rules_first.rules_already_decide

    def counting(policy, tracker, domain):
        decided = real_check(policy, tracker, domain)
        skipped.append(decided)
        return decided

    monkeypatch.setattr(rules_first, "rules_already_decide", counting)
    served = [decide(agent, t) for t in points]
    monkeypatch.setattr(rules_first, "rules_already_decide", lambda policy, tracker, domain: False)
    every_policy = [decide(agent, t) for t in points]

    differing = [(t[-1], s, e) for t, s, e in zip(points, served, every_policy) if s != e]
    assert not differing, f"{len(differing)} of {len(points)} steps decided differently; first: {differing[0]}"
    # Skipped where rules decide: most of a rule-driven assistant's steps, never all of them.
    assert 0.5 * len(skipped) < sum(skipped) < len(skipped), (sum(skipped), len(skipped))


def test_a_refund_opening_runs_neither_ted_nor_memoization(agent, monkeypatch):
    """RulePolicy starts the refund form on a refund request: the other two policies are not run."""
    ran = []
    for cls in (rules_first.RulesFirstTEDPolicy, rules_first.RulesFirstMemoizationPolicy):
        parent = cls.__mro__[1]

        def recording(self, *args, _original=parent.predict_action_probabilities, **kwargs):
            ran.append(type(self).__name__)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(parent, "predict_action_probabilities", recording)
    text = "I was charged twice for invoice INV-123456"
    parsed = asyncio.run(agent.parse_message(text))
    assert parsed["intent"]["name"] == "request_refund"
    opening = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
               UserUttered(text, intent=parsed["intent"], parse_data=parsed)]
    assert decide(agent, opening)[:2] == ("refund_form", "RulePolicy")
    assert ran == []
