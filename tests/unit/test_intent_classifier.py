"""connectors.intent_classifier: the row scaling that the intent classifier is trained on."""
import numpy as np
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
