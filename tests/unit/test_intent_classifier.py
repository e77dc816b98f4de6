"""connectors.intent_classifier: the row scaling that the intent classifier is trained on."""
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from scipy.sparse import csr_matrix

from connectors.intent_classifier import ScaledLogisticRegressionClassifier, scale_rows


def test_rows_are_log_scaled_then_unit_length():
    X = csr_matrix(np.array([[3.0, 0.0, 4.0], [0.0, 0.0, 0.0], [1.0, 1.0, 0.0]]))
    scaled = scale_rows(X, sublinear=True, normalize=True).toarray()
    assert np.allclose(np.linalg.norm(scaled[[0, 2]], axis=1), 1.0)
    assert np.allclose(scaled[1], 0.0)  # an empty row stays empty instead of dividing by zero
    assert np.isclose(scaled[0, 0] / scaled[0, 2], np.log1p(3) / np.log1p(4))
    assert np.allclose(scaled[2, :2], np.sqrt(0.5))


def test_scaling_can_be_switched_off_and_leaves_the_input_alone():
    X = csr_matrix(np.array([[2.0, 0.0]]))
    assert np.allclose(scale_rows(X, sublinear=False, normalize=False).toarray(), [[2.0, 0.0]])
    scale_rows(X, sublinear=True, normalize=True)
    assert np.allclose(X.toarray(), [[2.0, 0.0]])


def test_config_sets_c_and_keeps_rasa_defaults():
    config = ScaledLogisticRegressionClassifier.get_default_config()
    assert config["C"] == 1.0 and config["sublinear"] and config["normalize"]
    assert config["solver"] == "lbfgs"


def _classifier(tmp_path, width: int, classes: int, seed: int):
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    config = {**ScaledLogisticRegressionClassifier.get_default_config(), "C": 32.0}
    classifier = ScaledLogisticRegressionClassifier(config, "lr", LocalModelStorage(tmp_path), Resource("lr"))
    rng = np.random.default_rng(seed)
    X = csr_matrix(rng.poisson(0.3, size=(60, width)).astype(float))
    classifier.clf.fit(scale_rows(X, True, True), [f"intent_{i % classes}" for i in range(60)])
    return classifier


def _message(rng, widths: list[int]):
    """A message with one sparse sentence feature per featurizer (repeated columns included) and
    sequence features, which the classifier must ignore."""
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from scipy.sparse import coo_matrix

    features = []
    for i, width in enumerate(widths):
        n = int(rng.integers(0, 5))
        cols = rng.integers(0, width, size=n)
        if n:
            cols = np.append(cols, cols[0])  # a repeated column: its values add up
        sentence = coo_matrix((rng.integers(1, 4, size=len(cols)).astype(float), (np.zeros(len(cols), int), cols)),
                              shape=(1, width))
        features.append(Features(coo_matrix(np.ones((2, width))), FEATURE_TYPE_SEQUENCE, TEXT, f"f{i}"))
        features.append(Features(sentence, FEATURE_TYPE_SENTENCE, TEXT, f"f{i}"))
    return Message(data={"text": "x"}, features=features)


def _rasas_rows(classifier, messages):
    """Rasa's route: LogisticRegressionClassifier's rows (feature copies, sparse stacks), then scale_rows."""
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    return scale_rows(LogisticRegressionClassifier._create_X(classifier, messages), True, True)


@pytest.mark.parametrize("fitted", [True, False])  # prediction, and training (no width known yet)
def test_rows_and_probabilities_are_those_of_rasas_route(tmp_path, fitted):
    widths = [5, 9, 4]
    classifier = _classifier(tmp_path, sum(widths), classes=4, seed=1)
    rng = np.random.default_rng(2)
    messages = [_message(rng, widths) for _ in range(40)]
    rasas = _rasas_rows(classifier, messages)
    if not fitted:
        classifier.clf = LogisticRegression()
    ours = classifier._create_X(messages)
    assert ours.shape == rasas.shape and ours.nnz > 40
    assert np.array_equal(ours.indptr, rasas.indptr) and np.array_equal(ours.indices, rasas.indices)
    assert ours.indices.dtype == rasas.indices.dtype and ours.indptr.dtype == rasas.indptr.dtype
    assert np.array_equal(ours.data, rasas.data)  # the same floats, not merely close ones
    if fitted:
        assert np.array_equal(classifier.clf.predict_proba(ours), classifier.clf.predict_proba(rasas))


def test_a_message_without_features_fails_as_in_rasa(tmp_path):
    """Rasa's route cannot predict a message without sentence features (sklearn refuses the
    width); neither does this one."""
    from rasa.shared.nlu.training_data.message import Message

    classifier = _classifier(tmp_path, 6, classes=3, seed=3)
    with pytest.raises(ValueError):
        classifier.clf.predict_proba(_rasas_rows(classifier, [Message(data={"text": ""})]))
    with pytest.raises(ValueError):
        classifier.process([Message(data={"text": ""})])
