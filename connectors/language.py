"""An NLU component that marks messages written in another language than English.

After the intent classifier and before the FallbackClassifier: a message that refund_desk.languages
surely reads as another language gets the intent `other_language` (confidence 1), whatever the
English classifier made of it, so that the customer is answered in their language instead of being
misread in English. Only the detector decides: where the classifier put `other_language` first but
the detector finds English (a short name like "Ann Ito"), the classifier's next guess takes its place
and the FallbackClassifier judges it as usual.

    - name: connectors.language.OtherLanguageClassifier
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from refund_desk.languages import detect_language

OTHER_LANGUAGE_INTENT = "other_language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OtherLanguageClassifier(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "OtherLanguageClassifier":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: Optional[str] = message.get(TEXT)
            if not text:
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != OTHER_LANGUAGE_INTENT]
            if not text.startswith("/") and detect_language(text) is not None:
                intent = {INTENT_NAME_KEY: OTHER_LANGUAGE_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
            else:  # the classifier's own other_language is no guess (nor a choice to offer)
                if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == OTHER_LANGUAGE_INTENT and ranking:
                    message.set(INTENT, dict(ranking[0]), add_to_output=True)
                if message.get(INTENT_RANKING_KEY) is not None:
                    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
