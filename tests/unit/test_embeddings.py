"""The embedding loader (refund_desk/embeddings.py) against WordLlama's own sentence vectors.

tests/unit/data/wordllama_reference.json holds what the wordllama package itself returned
(`WordLlama.load(dim=256).embed(texts, norm=True)`, version 0.4.0.post1, in a separate Python 3.11
environment with numpy 2, since the project's cannot have it), rounded to 6 decimals.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from refund_desk.embeddings import EmbeddingsMissing, load_embedder

REFERENCE = json.loads((Path(__file__).parent / "data" / "wordllama_reference.json").read_text())


@pytest.fixture(scope="module")
def embedder():
    return load_embedder()


def test_sentence_vectors_are_the_librarys_own(embedder):
    vectors = embedder.embed(REFERENCE["texts"])
    assert vectors.shape == (len(REFERENCE["texts"]), 256)
    np.testing.assert_allclose(vectors, np.array(REFERENCE["vectors"]), atol=2e-6)


@pytest.mark.parametrize("text", ["refund", "I was charged twice!!", "Rückerstattung für INV-55120 bitte", "🙏" * 40])
def test_every_vector_is_unit_length(embedder, text):
    assert np.linalg.norm(embedder.embed([text])[0]) == pytest.approx(1.0, abs=1e-5)


def test_empty_text_gives_zeros(embedder):
    assert not embedder.embed([""]).any()


def test_special_tokens_are_left_out(embedder):
    assert embedder.token_ids("money back") == embedder.tokenizer.encode("money back", add_special_tokens=False).ids
    assert 1 not in embedder.token_ids("money back")  # <s>, which the tokenizer's template would add


def test_near_meanings_are_nearer_than_unrelated_ones(embedder):
    a, b, c = embedder.embed(["I want my money back", "please reimburse me", "what is the weather in Paris"])
    assert a @ b > a @ c


def test_missing_files_say_how_to_get_them(tmp_path):
    with pytest.raises(EmbeddingsMissing, match="make install"):
        load_embedder(tmp_path)
