"""TEDPolicy that does not predict where a form already decides.

While a form is active and has not rejected the message, Rasa's RulePolicy predicts the form
(or `action_listen` right after it) as a "no user" prediction, and the policy ensemble then
takes that prediction over every other policy's (rasa.core.policies.ensemble._pick_best_policy).
TED's transformer run on those steps is thrown away; in a form turn that is every prediction.
This subclass returns TED's "no prediction" there instead, so decisions are unchanged and each
form turn saves its TED runs. Everywhere else it is TEDPolicy.
"""
from __future__ import annotations

from typing import Any, Optional

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from connectors import rasa_speedups

rasa_speedups.install()  # every Rasa process that loads the model loads this module


def form_decides(tracker: DialogueStateTracker) -> bool:
    """RulePolicy's loop happy path applies (rasa.core.policies.rule_policy._find_action_from_loop_happy_path)."""
    return bool(tracker.active_loop_name and not tracker.is_active_loop_rejected and tracker.latest_action)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True)
class FormAwareTEDPolicy(TEDPolicy):
    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     precomputations: Optional[Any] = None,
                                     rule_only_data: Optional[dict[str, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        if form_decides(tracker):
            return self._prediction(self._default_predictions(domain))
        return super().predict_action_probabilities(tracker, domain, precomputations=precomputations,
                                                    rule_only_data=rule_only_data, **kwargs)
