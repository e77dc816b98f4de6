"""A Rasa dense featurizer from WordLlama's pretrained token embeddings (refund_desk/embeddings.py).

    - name: connectors.dense_featurizer.WordLlamaFeaturizer

Gives every message's text a sentence feature: the unit-length mean of its token vectors (256
numbers), so that the classifier sees words the training data never used ("reimburse",
"transaction shows up twice") near the ones it did. Training copies the embedding files from
EMBEDDINGS_DIR (put there by `make install`) into the model, so a trained model needs nothing
else on the machine that serves it.
"""
from __future__ import annotations

import shutil
from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from refund_desk.embeddings import Embedder, embedding_files, load_embedder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class WordLlamaFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense sentence features: the message's pretrained sentence vector."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config()}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to validate: the component has no settings of its own."""

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, embedder: Optional[Embedder] = None) -> None:
        super().__init__(execution_context.node_name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._embedder = embedder

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "WordLlamaFeaturizer":
        return cls(config, model_storage, resource, execution_context)

    def train(self, training_data: TrainingData) -> Resource:
        """Copies the embedding files into the model (nothing is learnt)."""
        self._embedder = load_embedder()  # fails with what to do when `make install` has not run
        with self._model_storage.write_to(self._resource) as model_dir:
            for path in embedding_files():
                shutil.copyfile(path, model_dir / path.name)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "WordLlamaFeaturizer":
        with model_storage.read_from(resource) as model_dir:
            embedder = load_embedder(model_dir)
        return cls(config, model_storage, resource, execution_context, embedder)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize([m for m in training_data.training_examples if m.get(TEXT)])
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize([m for m in messages if m.get(TEXT)])
        return messages

    def _featurize(self, messages: List[Message]) -> None:
        if not messages:
            return
        if self._embedder is None:
            self._embedder = load_embedder()
        vectors = self._embedder.embed([m.get(TEXT) for m in messages])
        for message, vector in zip(messages, vectors):
            self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)
