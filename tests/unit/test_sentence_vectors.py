"""The readers' MiniLM vectors: the encoder's own, each text encoded once, training phrasings kept on disk."""
import numpy as np
import pytest

from refund_desk import sentence_vectors
from refund_desk.sentence_vectors import VectorStore, encoder


class CountingEncoder:
    """The real encoder, counting the texts it is given."""

    def __init__(self):
        self.texts = []

    def encode(self, texts):
        self.texts += list(texts)
        return encoder().encode(texts)

    @property
    def dimension(self):
        return encoder().dimension


@pytest.fixture
def counting(monkeypatch):
    real = CountingEncoder()
    monkeypatch.setattr(sentence_vectors, "encoder", lambda: real)
    return real


def test_vectors_are_the_encoders_own(tmp_path):
    texts = ["nothing has started yet", "you charged me twice"]
    assert np.allclose(VectorStore(tmp_path).vectors(texts), encoder().encode(texts), atol=1e-6)


def test_a_text_is_encoded_once(tmp_path, counting):
    store = VectorStore(tmp_path)
    store.vectors(["the tech never came", "ok"])
    store.vectors(["ok", "the tech never came", "ok"])
    assert sorted(counting.texts) == ["ok", "the tech never came"]


def test_training_phrasings_are_read_from_disk_at_the_next_start(tmp_path, counting):
    first = VectorStore(tmp_path).vectors(["we no longer need it", "wrong plan"], keep=True)
    assert len(list(tmp_path.glob("minilm-*.npz"))) == 1
    counting.texts.clear()
    again = VectorStore(tmp_path).vectors(["wrong plan", "we no longer need it"])
    assert counting.texts == []  # nothing encoded: read from the file
    assert np.allclose(again, first[::-1])


def test_an_unreadable_file_is_encoded_again(tmp_path, counting):
    store = VectorStore(tmp_path)
    store.file.write_bytes(b"not a numpy file")
    assert store.vectors(["hello"]).shape == (1, encoder().dimension)
    assert counting.texts == ["hello"]
