"""Rasa's LogisticRegressionClassifier with a tunable regularisation and length-normalised features.

Rasa's classifier fits raw counts with C=1: a long message has large feature values, so its
words outweigh the intercepts and the rare words of one training example decide; a short one
("cancel sub pls") has small values and drifts to the largest class. This subclass scales each
message's feature row (log(1 + count), then unit length) and lets config.yml set C:

    - name: connectors.intent_classifier.ScaledLogisticRegressionClassifier
      C: 32             # inverse regularisation strength (sklearn's C)
      sublinear: true   # log(1 + count) before scaling
      normalize: true   # each row to unit L2 length

The scaling is stateless, so the model is stored and loaded exactly as Rasa's (a skops file of
the sklearn LogisticRegression).

Dense sentence features (connectors/dense_featurizer.py: a unit-length pretrained sentence
vector) go beside the scaled sparse row as they are, times `dense_weight`, so the row is the
sparse part (unit length) followed by the dense part (length `dense_weight`): still one plain
logistic regression, on both.

Each message's row is built straight from its sentence features with numpy: Rasa's route (deep
copies of the features, a sparse hstack per featurizer, a vstack, then the scaling as
sparse-matrix operations) cost about 1 ms of the 2 ms a message took. The rows are the same
floats (tests/unit/test_intent_classifier.py), so training and probabilities are Rasa's too.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from scipy.sparse import csr_matrix, diags
from sklearn.linear_model import LogisticRegression

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message


def scale_values(values: np.ndarray, sublinear: bool, normalize: bool) -> np.ndarray:
    """scale_rows for the values of one row (in column order), with the same float operations:
    the squares summed by np.add.reduceat as scipy's row sum does, then times 1/norm."""
    if sublinear:
        values = np.log1p(np.abs(values)) * np.sign(values)
    if normalize and len(values):
        norm = np.sqrt(np.add.reduceat(values * values, [0])[0])
        values = values * (1.0 / (norm if norm else 1.0))
    return values


def sentence_row(message: Message) -> tuple[np.ndarray, np.ndarray, int]:
    """(columns, values, width) of the message's sparse sentence features, side by side in the
    order Rasa combines them."""
    columns, values, width = [], [], 0
    for features in message.features:
        if features.attribute != TEXT or features.type != FEATURE_TYPE_SENTENCE or not features.is_sparse():
            continue
        matrix = features.features.tocoo()
        columns.append(matrix.col.astype(np.int64) + width)
        values.append(matrix.data.astype(np.float64))
        width += matrix.shape[1]
    if not columns:
        return np.zeros(0, np.int64), np.zeros(0), 0
    cols, inverse = np.unique(np.concatenate(columns), return_inverse=True)
    return cols, np.bincount(inverse, weights=np.concatenate(values), minlength=len(cols)), width


def dense_sentence(message: Message) -> np.ndarray:
    """The message's dense sentence features side by side (empty when it has none)."""
    parts = [np.asarray(f.features, dtype=np.float64).ravel() for f in message.features
             if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE and not f.is_sparse()]
    return np.concatenate(parts) if parts else np.zeros(0)


def scale_rows(X: csr_matrix, sublinear: bool, normalize: bool) -> csr_matrix:
    """log(1 + x) of every value when `sublinear`, then every row to unit L2 norm when `normalize`."""
    X = csr_matrix(X, dtype=np.float64, copy=True)
    if sublinear:
        X.data = np.log1p(np.abs(X.data)) * np.sign(X.data)
    if normalize:
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        X = csr_matrix(diags(1.0 / norms) @ X)
    return X


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ScaledLogisticRegressionClassifier(LogisticRegressionClassifier):
    """LogisticRegressionClassifier on log-scaled, unit-length feature rows, with a configurable C."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(),
                "C": 1.0, "sublinear": True, "normalize": True, "dense_weight": 1.0}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf = LogisticRegression(
            C=float(self.config["C"]), solver=self.config["solver"], max_iter=self.config["max_iter"],
            class_weight="balanced", tol=self.config["tol"], random_state=self.config["random_state"])

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        """Each message's row, built with numpy: its scaled sparse sentence features (the same
        floats as scale_rows over Rasa's rows), then its dense ones times dense_weight; for
        training and prediction alike."""
        rows = self.rows_with(messages, [dense_sentence(message) for message in messages], self.clf)
        if rows is None:
            # widths that do not fit: Rasa's route (and sklearn's error)
            return scale_rows(super()._create_X(messages), bool(self.config["sublinear"]),
                              bool(self.config["normalize"]))
        return rows

    def rows_with(self, messages: List[Message], dense: List[np.ndarray],
                  clf: LogisticRegression) -> Optional[csr_matrix]:
        """The messages' rows for `clf`: each one's scaled sparse sentence features, then the dense
        vector given for it times dense_weight (None when the widths do not fit `clf` or each other)."""
        sublinear, normalize = bool(self.config["sublinear"]), bool(self.config["normalize"])
        weight = float(self.config["dense_weight"])
        rows = [sentence_row(message) for message in messages]
        widths = {sparse_width + len(vector) for (_, _, sparse_width), vector in zip(rows, dense)}
        width = getattr(clf, "n_features_in_", None) or (min(widths) if widths else None)
        if not rows or widths != {width}:
            return None
        data, columns = [], []
        for (cols, values, sparse_width), vector in zip(rows, dense):
            kept = np.flatnonzero(vector)
            # Columns in descending order within a row, as scale_rows's sparse product leaves them,
            # so that the classifier sums each row's terms in the same order.
            columns.append(np.concatenate([cols, kept + sparse_width])[::-1])
            data.append(np.concatenate([scale_values(values, sublinear, normalize), vector[kept] * weight])[::-1])
        indptr = np.cumsum([0] + [len(c) for c in columns])
        return csr_matrix((np.concatenate(data), np.concatenate(columns), indptr), shape=(len(rows), width))
