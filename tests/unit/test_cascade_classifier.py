"""connectors.cascade_classifier: MiniLM runs only for messages the first (WordLlama) model is unsure of.

A tiny model is trained from real components (tokenizer, n-grams, WordLlama, the cascade with the
installed MiniLM encoder), stored and loaded back as a served model is; the encoder it loaded is
wrapped so that the texts it is asked to encode are recorded (it still computes the real vectors).
"""
import numpy as np
import pytest

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from connectors.cascade_classifier import CascadeIntentClassifier, neighbour_probabilities, unsure_rows
from connectors.dense_featurizer import WordLlamaFeaturizer

TRAINING = {
    "request_refund": ["I want a refund", "give me my money back", "refund my last invoice please",
                       "I would like a refund for my order"],
    "cancel_service": ["cancel my subscription", "I want to cancel the service", "please end my plan",
                       "stop my subscription now"],
    "greet": ["hello", "hi there", "good morning", "hey"],
}
SURE = "I want a refund"  # a training message word for word
UNSURE = "what colour is the sky over the harbour tonight"  # nothing like any intent


class RecordingEncoder:
    """The real encoder, recording the texts it is asked to encode."""

    def __init__(self, encoder):
        self.encoder = encoder
        self.texts: list[str] = []

    def encode(self, texts):
        self.texts.extend(texts)
        return self.encoder.encode(texts)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """The trained components, the classifier loaded back from its model storage."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    components = []
    for cls, name in ((WhitespaceTokenizer, "tokenizer"), (CountVectorsFeaturizer, "ngrams"),
                      (WordLlamaFeaturizer, "wordllama")):
        components.append(cls.create(cls.get_default_config(), storage, Resource(name),
                                     ExecutionContext(GraphSchema({}), node_name=name)))
    data = TrainingData([Message(data={TEXT: t, "intent": i}) for i, texts in TRAINING.items() for t in texts])
    for component in components:
        if hasattr(component, "train"):
            component.train(data)
        component.process_training_data(data)
    config = {**CascadeIntentClassifier.get_default_config(), "C": 32.0, "dense_weight": 0.5}
    context = ExecutionContext(GraphSchema({}), node_name="cascade")
    CascadeIntentClassifier.create(config, storage, Resource("cascade"), context).train(data)
    classifier = CascadeIntentClassifier.load(config, storage, Resource("cascade"), context)
    return components, classifier


def parse(pipeline, texts):
    """The messages after every component, and the texts the classifier's encoder was asked for."""
    components, classifier = pipeline
    encoder = RecordingEncoder(classifier.encoder)
    classifier.encoder = encoder
    try:
        messages = [Message(data={TEXT: t}) for t in texts]
        for component in components:
            messages = component.process(messages)
        return classifier.process(messages), encoder.texts
    finally:
        classifier.encoder = encoder.encoder


def first_model_probabilities(pipeline, texts):
    components, classifier = pipeline
    messages = [Message(data={TEXT: t}) for t in texts]
    for component in components:
        messages = component.process(messages)
    return classifier.clf.predict_proba(classifier._create_X(messages))


def test_the_model_keeps_both_regressions_and_the_encoder(pipeline):
    _, classifier = pipeline
    assert classifier.encoder is not None and list(classifier.clf.classes_) == list(classifier.second.classes_)
    assert classifier.clf.n_features_in_ + 384 - 256 == classifier.second.n_features_in_


def test_a_message_the_first_model_is_sure_of_never_reaches_the_encoder(pipeline):
    _, classifier = pipeline
    probabilities = first_model_probabilities(pipeline, [SURE])
    assert not unsure_rows(probabilities, classifier.config["sure_probability"], classifier.config["sure_margin"])[0]
    (message,), encoded = parse(pipeline, [SURE])
    assert encoded == []
    assert message.get("intent")["name"] == "request_refund"
    assert message.get("intent")["confidence"] == pytest.approx(probabilities.max())


def test_the_model_keeps_each_training_message_s_meaning_and_intent(pipeline):
    _, classifier = pipeline
    trained = [(t, i) for i, texts in TRAINING.items() for t in texts]
    assert classifier.neighbour_vectors.shape == (len(trained), 384)
    assert sorted(classifier.neighbour_labels) == sorted(i for _, i in trained)
    vectors = classifier.encoder.encode([t for t, _ in trained])
    # stored in half precision: each kept vector points where its message's own vector does
    kept = {label: [] for label in TRAINING}
    for vector, label in zip(classifier.neighbour_vectors, classifier.neighbour_labels):
        kept[label].append(vector)
    for (text, intent), vector in zip(trained, vectors):
        assert max(float(v @ vector) for v in kept[intent]) > 0.999, text


def test_an_unsure_message_is_encoded_and_the_second_model_decides_with_its_nearest_training_messages(pipeline):
    _, classifier = pipeline
    probabilities = first_model_probabilities(pipeline, [UNSURE])
    assert unsure_rows(probabilities, classifier.config["sure_probability"], classifier.config["sure_margin"])[0]
    (message,), encoded = parse(pipeline, [UNSURE])
    assert encoded == [UNSURE]
    second = classifier.second.predict_proba(classifier.second_rows([message]))[0]
    # the second opinion worked out here from the training texts themselves: the intents of the
    # `neighbours` texts whose MiniLM vectors are closest to the message's
    trained = [(t, i) for i, texts in TRAINING.items() for t in texts]
    similarity = classifier.encoder.encode([t for t, _ in trained]) @ classifier.encoder.encode([UNSURE])[0]
    k, share = classifier.config["neighbours"], classifier.config["neighbour_share"]
    closest = [trained[n][1] for n in np.argsort(-similarity)[:k]]
    nearest = np.array([closest.count(c) / k for c in classifier.second.classes_])
    ranking = {e["name"]: e["confidence"] for e in message.get("intent_ranking")}
    assert ranking == pytest.approx(dict(zip(classifier.second.classes_, (1 - share) * second + share * nearest)),
                                    abs=1e-3)
    assert not np.allclose(second, probabilities[0])  # the second model's answer, not the first's
    assert not np.allclose(nearest, second)  # and the neighbours count: not the regression alone


def test_neighbour_probabilities_count_the_intents_of_the_k_closest_rows():
    train = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [0.7, 0.7]])
    train /= np.linalg.norm(train, axis=1, keepdims=True)
    labels = np.array(["a", "a", "b", "b", "c"], dtype=object)
    queries = np.array([[1.0, 0.05], [0.0, 1.0]])
    found = neighbour_probabilities(train, labels, ["a", "b", "c"], queries, 3)
    assert np.allclose(found, [[2 / 3, 0, 1 / 3], [0, 2 / 3, 1 / 3]])
    # more neighbours asked than there are rows: every row counts once
    assert np.allclose(neighbour_probabilities(train, labels, ["a", "b", "c"], queries[:1], 9), [[0.4, 0.4, 0.2]])


def test_in_one_batch_only_the_unsure_messages_are_encoded(pipeline):
    messages, encoded = parse(pipeline, [SURE, UNSURE, "cancel my subscription"])
    assert encoded == [UNSURE]
    assert [m.get("intent")["name"] for m in (messages[0], messages[2])] == ["request_refund", "cancel_service"]


def test_unsure_rows_needs_both_a_high_top_probability_and_a_margin():
    rows = np.array([[0.9, 0.05, 0.05], [0.6, 0.3, 0.1], [0.5, 0.45, 0.05], [0.85, 0.1, 0.05]])
    assert unsure_rows(rows, 0.8, 0.4).tolist() == [False, True, True, False]
    assert unsure_rows(rows, 0.5, 0.1).tolist() == [False, False, True, False]


def test_a_model_trained_before_the_second_opinion_loads_and_its_second_model_decides_alone(pipeline, tmp_path):
    """A model without the training messages' vectors (trained before they were kept) keeps both
    regressions: the second model decides alone where the first is unsure."""
    import shutil

    from connectors.cascade_classifier import NEIGHBOURS_FILE

    _, classifier = pipeline
    storage = classifier._model_storage
    with storage.read_from(classifier._resource) as model_dir:
        copied = tmp_path / "cascade"
        shutil.copytree(model_dir, copied)
    (copied / NEIGHBOURS_FILE).unlink()
    older = LocalModelStorage(tmp_path)
    config = {**CascadeIntentClassifier.get_default_config(), "C": 32.0, "dense_weight": 0.5}
    loaded = CascadeIntentClassifier.load(config, older, Resource("cascade"),
                                          ExecutionContext(GraphSchema({}), node_name="cascade"))
    assert list(loaded.second.classes_) == list(classifier.second.classes_) and not len(loaded.neighbour_vectors)
    components, _ = pipeline
    messages = [Message(data={TEXT: UNSURE})]
    for component in components:
        messages = component.process(messages)
    (message,) = loaded.process(messages)
    second = loaded.second.predict_proba(loaded.second_rows([message]))[0]
    ranking = {e["name"]: e["confidence"] for e in message.get("intent_ranking")}
    assert ranking == pytest.approx(dict(zip(loaded.second.classes_, second)))
