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
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from scipy.sparse import csr_matrix, diags
from sklearn.linear_model import LogisticRegression

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.message import Message


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
                "C": 1.0, "sublinear": True, "normalize": True}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf = LogisticRegression(
            C=float(self.config["C"]), solver=self.config["solver"], max_iter=self.config["max_iter"],
            class_weight="balanced", tol=self.config["tol"], random_state=self.config["random_state"])

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        return scale_rows(super()._create_X(messages), bool(self.config["sublinear"]),
                          bool(self.config["normalize"]))
