"""The numpy sentence encoder (refund_desk/sentence_encoder.py) against sentence-transformers' own figures.

The similarities below are the ones sentence-transformers' README prints for all-MiniLM-L6-v2
(`model.similarity(embeddings, embeddings)` on its three example sentences), to 4 decimals.
"""
from __future__ import annotations

import numpy as np
import pytest

from refund_desk.sentence_encoder import EncoderMissing, load_sentence_encoder, save_half_precision

README_SENTENCES = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
README_SIMILARITIES = [[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], [0.1046, 0.1411, 1.0000]]


@pytest.fixture(scope="module")
def encoder():
    return load_sentence_encoder()


def test_similarities_are_the_models_own(encoder):
    vectors = encoder.encode(README_SENTENCES)
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(vectors @ vectors.T, README_SIMILARITIES, atol=6e-5)


def test_a_batch_gives_each_text_what_it_gives_alone(encoder):
    texts = ["refund", "you charged my card twice for invoice INV-2231, please fix it", "", "ok"]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)


@pytest.mark.parametrize("text", ["", "refund", "Rückerstattung für INV-55120 bitte", "🙏" * 40, "word " * 400])
def test_every_vector_is_unit_length(encoder, text):
    assert np.linalg.norm(encoder.encode([text])[0]) == pytest.approx(1.0, abs=1e-5)


def test_paraphrases_are_closer_than_other_topics(encoder):
    money_back, reimburse, weather = encoder.encode(
        ["I want my money back", "could you reimburse the payment", "will it rain in Lisbon tomorrow"])
    assert money_back @ reimburse > money_back @ weather + 0.3


def test_missing_files_say_what_to_run(tmp_path):
    with pytest.raises(EncoderMissing, match="make install"):
        load_sentence_encoder(tmp_path)


def test_half_precision_weights_keep_the_models_similarities(tmp_path):
    save_half_precision(tmp_path)
    vectors = load_sentence_encoder(tmp_path).encode(README_SENTENCES)
    np.testing.assert_allclose(vectors @ vectors.T, README_SIMILARITIES, atol=1e-3)
