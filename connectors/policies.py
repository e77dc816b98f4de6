"""Dialogue policies that do not run where RulePolicy has already decided.

Rasa runs every policy for every next-action prediction, then the ensemble
(rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble._pick_best_policy) keeps the best
(confidence, priority). RulePolicy has the highest priority. So when it makes a "no user"
prediction (a form's happy path), or predicts an action with confidence 1 (a rule applies) that
was not just rejected, no prediction of a lower-priority policy that is not end-to-end can win:
TED's transformer run there is thrown away. On a refund conversation that was most of TED's runs.

RulePolicy's prediction is remembered on the tracker for the step it was made in (this module
wraps RulePolicy.predict_action_probabilities). The policies below return their "no prediction"
when the remembered prediction for the same step wins anyway, and run as usual otherwise: when
RulePolicy has not run yet in that step, or its prediction can lose. Decisions are unchanged.

Rasa (dask's ordering of the graph) runs RulePolicy's node before these two, so the skip happens;
if that order changed, these would find no prediction for their step and run every time
(test_a_refund_opening_runs_neither_ted_nor_memoization would then fail). A prediction is
remembered for a step (number of events, last event): a prediction the same tracker gets again
with no new event is RulePolicy's again.
"""
from __future__ import annotations

import functools
from typing import Any, Optional

import numpy as np
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT

from connectors import rasa_speedups

_REMEMBERED = "_refund_desk_rule_prediction"  # tracker attribute: (step, RulePolicy's prediction)


def _step(tracker: DialogueStateTracker) -> tuple[int, int]:
    """Identifies one prediction step of this tracker: events are only ever appended."""
    events = tracker.events
    return len(events), id(events[-1]) if events else 0


def remember_rule_prediction(tracker: DialogueStateTracker, prediction: PolicyPrediction) -> None:
    setattr(tracker, _REMEMBERED, (_step(tracker), prediction))


def remembered_rule_prediction(tracker: DialogueStateTracker) -> Optional[PolicyPrediction]:
    step, prediction = getattr(tracker, _REMEMBERED, (None, None))
    return prediction if step == _step(tracker) else None


def rejected_action(tracker: DialogueStateTracker) -> Optional[str]:
    """The action whose confidence the ensemble sets to 0 in every prediction, as it finds it."""
    last = next((e for e in reversed(tracker.events) if isinstance(e, (ActionExecutionRejected, ActionExecuted))),
                None)
    return last.action_name if isinstance(last, ActionExecutionRejected) else None


def rules_win(rule_prediction: Optional[PolicyPrediction], tracker: DialogueStateTracker, domain: Domain,
              priority: int) -> bool:
    """No non-end-to-end prediction with this priority can beat RulePolicy's in the ensemble."""
    if rule_prediction is None:
        return False
    if rule_prediction.is_no_user_prediction:
        return True
    if rule_prediction.max_confidence < 1.0 or rule_prediction.policy_priority <= priority:
        return False
    best = domain.action_names_or_texts[int(np.argmax(rule_prediction.probabilities))]
    return best != rejected_action(tracker)


def _remembering(predict: Any) -> Any:
    @functools.wraps(predict)  # Rasa's graph validation reads the wrapped method's signature
    def predict_action_probabilities(self: RulePolicy, tracker: DialogueStateTracker, domain: Domain,
                                     *args: Any, **kwargs: Any) -> PolicyPrediction:
        prediction = predict(self, tracker, domain, *args, **kwargs)
        remember_rule_prediction(tracker, prediction)
        return prediction

    predict_action_probabilities.remembers = True  # type: ignore[attr-defined]
    return predict_action_probabilities


def install() -> None:
    """Every Rasa process that loads the model imports this module, so installs these."""
    rasa_speedups.install()
    if not getattr(RulePolicy.predict_action_probabilities, "remembers", False):
        RulePolicy.predict_action_probabilities = _remembering(  # type: ignore[method-assign]
            RulePolicy.predict_action_probabilities)


install()


def rules_already_decide(policy: Policy, tracker: DialogueStateTracker, domain: Domain) -> bool:
    """RulePolicy's prediction for this step wins whatever `policy` predicts."""
    return rules_win(remembered_rule_prediction(tracker), tracker, domain, policy.priority)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class RulesFirstMemoizationPolicy(MemoizationPolicy):
    """MemoizationPolicy that returns no prediction where RulePolicy's prediction wins anyway."""

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[dict[str, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        if rules_already_decide(self, tracker, domain):
            return self._prediction(self._default_predictions(domain))
        return super().predict_action_probabilities(tracker, domain, rule_only_data=rule_only_data, **kwargs)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True)
class RulesFirstTEDPolicy(TEDPolicy):
    """TEDPolicy that returns no prediction where RulePolicy's prediction wins anyway."""

    def can_predict_end_to_end(self) -> bool:
        """TED predicts from the user's text (and may then outrank rules) only if trained on text."""
        return self.only_e2e or TEXT in self.fake_features

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     precomputations: Optional[Any] = None,
                                     rule_only_data: Optional[dict[str, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        if not self.can_predict_end_to_end() and rules_already_decide(self, tracker, domain):
            return self._prediction(self._default_predictions(domain))
        return super().predict_action_probabilities(tracker, domain, precomputations=precomputations,
                                                    rule_only_data=rule_only_data, **kwargs)
