"""Pretrained sentence vectors, offline: WordLlama's token embeddings, averaged.

WordLlama (MIT licence) publishes a token-embedding matrix and its tokenizer inside the
`wordllama` wheel on PyPI. Its package needs numpy 2 and pydantic 2, which Rasa 3.6 cannot
have, so `scripts/install_embeddings.py` (run by `make install`) takes the two files out of the
pinned wheel, checked by hash, into EMBEDDINGS_DIR, and this module reads them with
`safetensors` and `tokenizers` alone. A sentence vector is the library's own: the mean of the
message's token vectors (the tokenizer's special tokens left out), made unit length.

    embedder = load_embedder()                 # or load_embedder(some_directory)
    vectors = embedder.embed(["I want my money back"])   # shape (1, 256), each row unit length

Free of Rasa: the dense featurizer (connectors/dense_featurizer.py) and any other reader of
meaning (policy answers) use the same loader.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from refund_desk.settings import EMBEDDINGS_DIR

# The files install_embeddings.py extracts, under these names, and the tensor that holds the table.
WEIGHTS_FILE = "embeddings.safetensors"
TOKENIZER_FILE = "tokenizer.json"
TENSOR_KEY = "embedding.weight"


class EmbeddingsMissing(RuntimeError):
    """The embedding files are not where they should be (run `make install`)."""


@dataclass(frozen=True)
class Embedder:
    """A token-embedding table and its tokenizer: texts in, unit-length sentence vectors out."""

    table: np.ndarray  # (vocabulary size, dimension), float32
    tokenizer: "object"  # tokenizers.Tokenizer (imported lazily: no work at import)

    @property
    def dimension(self) -> int:
        return int(self.table.shape[1])

    def token_ids(self, text: str) -> list[int]:
        """The tokenizer's ids for the text, without special tokens (ids past the table dropped)."""
        ids = self.tokenizer.encode(text, add_special_tokens=False).ids  # type: ignore[attr-defined]
        return [i for i in ids if 0 <= i < self.table.shape[0]]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text (zeros for a text with no tokens)."""
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for n, text in enumerate(texts):
            ids = self.token_ids(text or "")
            if not ids:
                continue
            mean = self.table[ids].mean(axis=0, dtype=np.float32)
            norm = float(np.linalg.norm(mean))
            if norm > 0:
                rows[n] = mean / norm
        return rows


def embedding_files(directory: Optional[Path] = None) -> tuple[Path, Path]:
    """(weights, tokenizer) paths in the directory (default EMBEDDINGS_DIR)."""
    directory = Path(directory or EMBEDDINGS_DIR)
    return directory / WEIGHTS_FILE, directory / TOKENIZER_FILE


def load_embedder(directory: Optional[Path] = None) -> Embedder:
    """Reads the table and the tokenizer from the directory (default EMBEDDINGS_DIR)."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    weights, tokenizer_file = embedding_files(directory)
    missing = [str(p) for p in (weights, tokenizer_file) if not p.is_file()]
    if missing:
        raise EmbeddingsMissing(f"embedding files missing: {', '.join(missing)} (run `make install`)")
    table = load_file(str(weights))[TENSOR_KEY].astype(np.float32)
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return Embedder(table=np.ascontiguousarray(table), tokenizer=tokenizer)
