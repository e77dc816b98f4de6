"""Intent classification in two steps: a cheap model decides when it is sure, MiniLM's only otherwise.

    - name: connectors.dense_featurizer.WordLlamaFeaturizer     # the cheap sentence vector
    - name: connectors.cascade_classifier.CascadeIntentClassifier
      C: 32
      dense_weight: 0.5
      sure_probability: 0.8   # the first model's top probability at least this ...
      sure_margin: 0.6        # ... and this far ahead of the second: it decides
      neighbours: 10          # the second model's answer mixed with the intents of the training
      neighbour_share: 0.3    # messages nearest in MiniLM's meaning, at this share

Two logistic regressions trained on the same messages, with ScaledLogisticRegressionClassifier's
rows (connectors/intent_classifier.py): the first on [sparse n-grams | the message's dense sentence
feature (WordLlama's vector, microseconds)], the second on [sparse n-grams | all-MiniLM-L6-v2's
sentence vector (refund_desk/sentence_encoder.py, 9-15 ms a message)]. MiniLM runs here, inside the
classifier, and only for the messages the first model is unsure of, since a featurizer would run on
every message. Where MiniLM runs, a second opinion joins the second model: the share of each intent
among the `neighbours` training messages nearest in MiniLM's meaning, mixed in at `neighbour_share`
(a wording the regression has not learnt to separate may still sit next to a training message of its
intent). The probabilities of whichever model decided are the message's intent ranking, so the
FallbackClassifier and the buttons offered when unsure work on them as before.
The trained model keeps both regressions, a float16 copy of MiniLM's files (45 MB) and the training
messages' MiniLM vectors (float16) with their intents.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from sklearn.linear_model import LogisticRegression

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH

from connectors.intent_classifier import ScaledLogisticRegressionClassifier
from refund_desk.sentence_encoder import SentenceEncoder, load_sentence_encoder, save_half_precision

logger = logging.getLogger(__name__)

FIRST_FILE = "first.skops"
SECOND_FILE = "second.skops"
NEIGHBOURS_FILE = "neighbours.npz"  # the training messages' MiniLM vectors and their intents' indices


def neighbour_probabilities(train: np.ndarray, labels: np.ndarray, classes: Any, queries: np.ndarray,
                            k: int) -> np.ndarray:
    """A second opinion: the share of each intent among the k training messages nearest in meaning
    (rows unit length; labels are the training messages' intents, classes the columns' order)."""
    k = min(k, len(train))
    # in the training rows' precision: float64 queries against float32 rows would copy all the rows to
    # float64 on every call (17 ms a message for 8,634 rows, against 1 ms)
    similarity = queries.astype(train.dtype, copy=False) @ train.T
    nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
    probabilities = np.zeros((len(queries), len(classes)))
    index = {c: n for n, c in enumerate(classes)}
    for row, neighbours in enumerate(nearest):
        for j in neighbours:
            probabilities[row, index[labels[j]]] += 1.0 / k
    return probabilities


def unsure_rows(probabilities: np.ndarray, sure_probability: float, sure_margin: float) -> np.ndarray:
    """Which rows are not sure: top probability below sure_probability, or within sure_margin of the second."""
    if probabilities.shape[1] < 2:
        return probabilities[:, 0] < sure_probability
    top = np.sort(probabilities, axis=1)
    return (top[:, -1] < sure_probability) | (top[:, -1] - top[:, -2] < sure_margin)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class CascadeIntentClassifier(ScaledLogisticRegressionClassifier):
    """The first model (sparse + the message's dense features) when sure, else the second (sparse + MiniLM)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**ScaledLogisticRegressionClassifier.get_default_config(),
                "sure_probability": 0.8, "sure_margin": 0.6, "neighbours": 10, "neighbour_share": 0.3}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource, encoder: Optional[SentenceEncoder] = None) -> None:
        super().__init__(config, name, model_storage, resource)
        self.second = LogisticRegression(**self.clf.get_params())
        self.encoder = encoder
        self.encoded = 0  # messages MiniLM encoded since loading (what the cascade saves is the rest)
        self.neighbour_vectors = np.zeros((0, 0), dtype=np.float32)  # the training messages' MiniLM vectors
        self.neighbour_labels = np.zeros(0, dtype=object)  # ... and their intents

    def _encoder(self) -> SentenceEncoder:
        if self.encoder is None:
            self.encoder = load_sentence_encoder()
        return self.encoder

    def encode(self, messages: List[Message]) -> np.ndarray:
        """Each message's MiniLM vector (unit length)."""
        self.encoded += len(messages)
        return self._encoder().encode([m.get(TEXT) or "" for m in messages]).astype(np.float64)

    def second_rows(self, messages: List[Message], vectors: Optional[np.ndarray] = None) -> Any:
        """The second model's rows: the sparse features beside each message's MiniLM vector."""
        vectors = self.encode(messages) if vectors is None else vectors
        rows = self.rows_with(messages, list(vectors), self.second)
        if rows is None:
            raise ValueError("the messages' sparse features do not fit the second model")
        return rows

    def second_opinion(self, messages: List[Message]) -> np.ndarray:
        """The second model's probabilities mixed with the intents of the nearest training messages."""
        vectors = self.encode(messages)
        probabilities = self.second.predict_proba(self.second_rows(messages, vectors))
        share, k = float(self.config["neighbour_share"]), int(self.config["neighbours"])
        if not share or not k or not len(self.neighbour_vectors):
            return probabilities
        nearest = neighbour_probabilities(self.neighbour_vectors, self.neighbour_labels,
                                          self.second.classes_, vectors, k)
        return (1 - share) * probabilities + share * nearest

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        labels = [e.get(INTENT) for e in examples]
        vectors = self.encode(examples)
        rows = ((self.clf, self._create_X(examples)), (self.second, self.second_rows(examples, vectors)))
        with ThreadPoolExecutor(max_workers=2) as pool:  # both models learn at once, a core each
            for fitted in [pool.submit(model.fit, X, labels) for model, X in rows]:
                fitted.result()
        self.neighbour_vectors = vectors.astype(np.float16).astype(np.float32)  # as a loaded model has them
        self.neighbour_labels = np.array(labels, dtype=object)
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Each message's intent and ranking from the first model, or from the second where it is unsure."""
        if not messages:
            return messages
        probabilities = self.clf.predict_proba(self._create_X(messages))
        unsure = np.flatnonzero(unsure_rows(probabilities, float(self.config["sure_probability"]),
                                            float(self.config["sure_margin"])))
        if len(unsure):
            probabilities[unsure] = self.second_opinion([messages[n] for n in unsure])
        for message, row in zip(messages, probabilities):
            ranking = sorted(({"name": k, "confidence": float(v)} for k, v in zip(self.clf.classes_, row)),
                             key=lambda e: -e["confidence"])
            message.set("intent", ranking[0], add_to_output=True)
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump(self.clf, Path(model_dir) / FIRST_FILE)
            sio.dump(self.second, Path(model_dir) / SECOND_FILE)
            np.savez(Path(model_dir) / NEIGHBOURS_FILE, vectors=self.neighbour_vectors.astype(np.float16),
                     labels=self.neighbour_labels.astype(str))
            save_half_precision(Path(model_dir))

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "CascadeIntentClassifier":
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as model_dir:
                models = []
                for file in (Path(model_dir) / FIRST_FILE, Path(model_dir) / SECOND_FILE):
                    if sio.get_untrusted_types(file=file):
                        raise ValueError(f"untrusted types in {file}")
                    models.append(sio.load(file, trusted=[]))
                encoder = load_sentence_encoder(Path(model_dir))
                vectors, labels = np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=str)
                if (Path(model_dir) / NEIGHBOURS_FILE).is_file():  # a model trained before them has none
                    with np.load(Path(model_dir) / NEIGHBOURS_FILE, allow_pickle=False) as neighbours:
                        vectors, labels = neighbours["vectors"], neighbours["labels"]
        except ValueError as error:
            logger.debug(f"{cls.__name__} not loaded ({error}): an untrained one instead")
            return cls.create(config, model_storage, resource, execution_context)
        component = cls(config, execution_context.node_name, model_storage, resource, encoder)
        component.clf, component.second = models
        component.neighbour_vectors, component.neighbour_labels = vectors.astype(np.float32), labels.astype(object)
        return component

