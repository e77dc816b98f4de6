"""Rasa dense featurizers from pretrained sentence vectors, kept inside the trained model.

    - name: connectors.dense_featurizer.WordLlamaFeaturizer        # refund_desk/embeddings.py
    - name: connectors.dense_featurizer.SentenceEncoderFeaturizer  # refund_desk/sentence_encoder.py

Each gives every message's text a sentence feature, so that the classifier sees words the training
data never used ("reimburse", "transaction shows up twice") near the ones it did:
- WordLlama: the unit-length mean of its token vectors (256 numbers, microseconds a message);
- all-MiniLM-L6-v2: a 6-layer transformer's unit-length sentence vector (384 numbers), trained on
  paraphrase pairs, so that it reads word order and context too (milliseconds a message).
Training copies the pretrained files from where `make install` put them into the model (MiniLM's
weights in float16, 45 MB: sentence similarities within 2e-4 of float32), so a trained model needs
nothing else on the machine that serves it.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Type

import numpy as np

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
from refund_desk.sentence_encoder import SentenceEncoder, load_sentence_encoder, save_half_precision


class PretrainedSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense sentence features from a pretrained model: what a subclass loads, stores and computes."""

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
                 execution_context: ExecutionContext, model: Optional[Any] = None) -> None:
        super().__init__(execution_context.node_name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "PretrainedSentenceFeaturizer":
        return cls(config, model_storage, resource, execution_context)

    @staticmethod
    def load_installed() -> Any:
        """The pretrained model from where `make install` put it (fails saying what to run)."""
        raise NotImplementedError

    @staticmethod
    def load_from(directory: Path) -> Any:
        """The pretrained model from a trained model's copy."""
        raise NotImplementedError

    @staticmethod
    def store(directory: Path) -> None:
        """Writes the installed pretrained files into a trained model's directory."""
        raise NotImplementedError

    @staticmethod
    def vectors(model: Any, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text."""
        raise NotImplementedError

    def train(self, training_data: TrainingData) -> Resource:
        """Copies the pretrained files into the model (nothing is learnt)."""
        self._model = self.load_installed()
        with self._model_storage.write_to(self._resource) as model_dir:
            self.store(Path(model_dir))
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "PretrainedSentenceFeaturizer":
        with model_storage.read_from(resource) as model_dir:
            model = cls.load_from(Path(model_dir))
        return cls(config, model_storage, resource, execution_context, model)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize([m for m in training_data.training_examples if m.get(TEXT)])
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize([m for m in messages if m.get(TEXT)])
        return messages

    def _featurize(self, messages: List[Message]) -> None:
        if not messages:
            return
        if self._model is None:
            self._model = self.load_installed()
        for message, vector in zip(messages, self.vectors(self._model, [m.get(TEXT) for m in messages])):
            self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class WordLlamaFeaturizer(PretrainedSentenceFeaturizer):
    """Dense sentence features: WordLlama's mean token vector (refund_desk/embeddings.py)."""

    @staticmethod
    def load_installed() -> Embedder:
        return load_embedder()

    @staticmethod
    def load_from(directory: Path) -> Embedder:
        return load_embedder(directory)

    @staticmethod
    def store(directory: Path) -> None:
        for path in embedding_files():
            shutil.copyfile(path, directory / path.name)

    @staticmethod
    def vectors(model: Embedder, texts: Sequence[str]) -> np.ndarray:
        return model.embed(texts)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceEncoderFeaturizer(PretrainedSentenceFeaturizer):
    """Dense sentence features: all-MiniLM-L6-v2's sentence vector (refund_desk/sentence_encoder.py)."""

    @staticmethod
    def load_installed() -> SentenceEncoder:
        return load_sentence_encoder()

    @staticmethod
    def load_from(directory: Path) -> SentenceEncoder:
        return load_sentence_encoder(directory)

    @staticmethod
    def store(directory: Path) -> None:
        save_half_precision(directory)

    @staticmethod
    def vectors(model: SentenceEncoder, texts: Sequence[str]) -> np.ndarray:
        return model.encode(texts)
