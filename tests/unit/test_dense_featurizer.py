"""connectors.dense_featurizer: the pretrained sentence vector as a Rasa dense sentence feature,
kept inside the trained model, and the classifier's rows built from dense and sparse features."""
import numpy as np
import pytest
from scipy.sparse import coo_matrix

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from connectors.dense_featurizer import SentenceEncoderFeaturizer, WordLlamaFeaturizer
from connectors.intent_classifier import ScaledLogisticRegressionClassifier, scale_rows
from refund_desk.embeddings import load_embedder
from refund_desk.sentence_encoder import load_sentence_encoder

TEXTS = ["I want my money back for INV-20431", "please reimburse me", "cancel sub pls"]


@pytest.fixture
def trained(tmp_path):
    """A featurizer trained into a model storage, then loaded back from it as a served model is."""
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), node_name="wordllama")
    resource = Resource("wordllama")
    featurizer = WordLlamaFeaturizer.create(WordLlamaFeaturizer.get_default_config(), storage, resource, context)
    featurizer.train(TrainingData([Message(data={TEXT: t, "intent": "x"}) for t in TEXTS]))
    return WordLlamaFeaturizer.load(WordLlamaFeaturizer.get_default_config(), storage, resource, context), tmp_path


def test_the_trained_model_keeps_its_own_copy_of_the_embeddings(trained):
    _, storage_dir = trained
    assert sorted(p.name for p in (storage_dir / "wordllama").iterdir()) == ["embeddings.safetensors",
                                                                             "tokenizer.json"]


def sentence_vectors(featurizer) -> np.ndarray:
    """The dense sentence feature the featurizer gives each of TEXTS (checking that a message without
    text gets none, and that no message gets sequence features)."""
    messages = featurizer.process([Message(data={TEXT: t}) for t in TEXTS] + [Message(data={"intent": "greet"})])
    assert messages[-1].get_dense_features(TEXT) == (None, None)  # nothing to featurize without text
    found = [m.get_dense_features(TEXT) for m in messages[:-1]]
    assert all(sequence is None for sequence, _ in found)
    return np.vstack([sentence.features for _, sentence in found])


def test_each_message_gets_its_sentence_vector(trained):
    featurizer, _ = trained
    np.testing.assert_array_equal(sentence_vectors(featurizer), load_embedder().embed(TEXTS))


def test_training_data_is_featurized_the_same_way(trained):
    featurizer, _ = trained
    data = featurizer.process_training_data(TrainingData([Message(data={TEXT: t, "intent": "x"}) for t in TEXTS]))
    rows = np.vstack([m.get_dense_features(TEXT)[1].features for m in data.training_examples])
    np.testing.assert_array_equal(rows, load_embedder().embed(TEXTS))


@pytest.fixture(scope="module")
def trained_encoder(tmp_path_factory):
    """The sentence-encoder featurizer trained into a model storage and loaded back from it."""
    storage_dir = tmp_path_factory.mktemp("model")
    storage = LocalModelStorage(storage_dir)
    context = ExecutionContext(GraphSchema({}), node_name="minilm")
    resource = Resource("minilm")
    config = SentenceEncoderFeaturizer.get_default_config()
    SentenceEncoderFeaturizer.create(config, storage, resource, context).train(
        TrainingData([Message(data={TEXT: t, "intent": "x"}) for t in TEXTS]))
    return SentenceEncoderFeaturizer.load(config, storage, resource, context), storage_dir


def test_the_trained_model_keeps_the_encoder_in_half_precision(trained_encoder):
    _, storage_dir = trained_encoder
    files = {p.name: p for p in (storage_dir / "minilm").iterdir()}
    assert sorted(files) == ["model.safetensors", "tokenizer.json"]
    assert files["model.safetensors"].stat().st_size < 50_000_000  # the float32 file is 91 MB


def test_each_message_gets_the_encoders_sentence_vector(trained_encoder):
    featurizer, _ = trained_encoder
    found = sentence_vectors(featurizer)
    assert found.shape == (len(TEXTS), 384)
    # float16 weights in the model: the same direction as the installed float32 encoder's
    assert np.all(np.sum(found * load_sentence_encoder().encode(TEXTS), axis=1) > 0.9999)


@pytest.mark.parametrize("weight", [0.0, 1.0, 2.5])
def test_classifier_rows_are_the_scaled_sparse_row_then_the_dense_vector_times_its_weight(tmp_path, weight):
    config = {**ScaledLogisticRegressionClassifier.get_default_config(), "dense_weight": weight}
    classifier = ScaledLogisticRegressionClassifier(config, "lr", LocalModelStorage(tmp_path), Resource("lr"))
    rng = np.random.default_rng(5)
    messages, sparse, dense = [], [], []
    for _ in range(12):
        counts = rng.poisson(0.5, size=(1, 7)).astype(float)
        vector = rng.normal(size=4)
        vector /= np.linalg.norm(vector)
        messages.append(Message(data={TEXT: "x"}, features=[
            Features(coo_matrix(counts), FEATURE_TYPE_SENTENCE, TEXT, "sparse"),
            Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, "dense")]))
        sparse.append(counts)
        dense.append(vector)
    rows = classifier._create_X(messages).toarray()
    np.testing.assert_allclose(rows[:, :7], scale_rows(np.vstack(sparse), True, True).toarray())
    np.testing.assert_allclose(rows[:, 7:], np.vstack(dense) * weight)
    classifier.clf.fit(classifier._create_X(messages), ["a", "b", "c"] * 4)
    assert classifier.clf.n_features_in_ == 11
