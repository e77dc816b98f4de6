"""MiniLM sentence vectors for the readers, each text encoded once.

refund_desk/sentence_encoder.py encodes a text in about 15-20 ms. The readers read one message
several times per turn (six readers, each the whole message and its clauses), and train on some
3,000 phrasings at start. So vectors are kept by text: in memory for the texts of recent turns,
and on disk (VECTOR_CACHE_DIR) for the training phrasings, so that a server starts in seconds
instead of a minute. The disk file is named after the encoder's weights and code: a changed
encoder never reads old vectors.

    vectors(["nothing has started yet"])   # shape (1, 384), unit rows, the encoder's own

Free of Rasa; no work at import.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from refund_desk import sentence_encoder
from refund_desk.sentence_encoder import SentenceEncoder, encoder_files, load_sentence_encoder
from refund_desk.settings import VECTOR_CACHE_DIR

RECENT_TEXTS = 4096  # vectors kept in memory beyond the stored ones (recent messages and clauses)


@lru_cache(maxsize=1)
def encoder() -> SentenceEncoder:
    return load_sentence_encoder()


def encoder_fingerprint() -> str:
    """A short hash of the encoder's weights file (size, time) and its code: the disk cache's name."""
    weights, tokenizer = encoder_files()
    digest = hashlib.sha256(Path(sentence_encoder.__file__).read_bytes())
    for path in (weights, tokenizer):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


class VectorStore:
    """Vectors by text: the stored ones (from disk) and recent ones (in memory, bounded)."""

    def __init__(self, directory: Optional[Path] = None) -> None:
        self.directory = Path(directory or VECTOR_CACHE_DIR)
        self.stored: dict[str, np.ndarray] = {}
        self.recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._loaded = False

    @property
    def file(self) -> Path:
        return self.directory / f"minilm-{encoder_fingerprint()}.npz"

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            with np.load(self.file, allow_pickle=False) as saved:
                self.stored = dict(zip((str(t) for t in saved["texts"]), saved["vectors"]))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            self.stored = {}  # none yet, or unreadable: encoded again

    def vectors(self, texts: Sequence[str], keep: bool = False) -> np.ndarray:
        """The texts' vectors, encoding (in one batch) those not seen; keep=True stores the new ones
        on disk (training phrasings), else they are kept in memory among the recent texts."""
        self._load()
        missing = sorted({t for t in texts if t not in self.stored and t not in self.recent})
        if missing:
            new = dict(zip(missing, encoder().encode(missing)))
            if keep:
                self.stored.update(new)
                self._save()
            else:
                self.recent.update(new)
        rows = []
        for text in texts:
            row = self.stored.get(text)
            if row is None:
                row = self.recent[text]
                self.recent.move_to_end(text)
            rows.append(row)
        while len(self.recent) > RECENT_TEXTS:
            self.recent.popitem(last=False)
        return np.stack(rows) if rows else np.zeros((0, encoder().dimension), dtype=np.float32)

    def _save(self) -> None:
        """Writes the stored vectors atomically (servers started together may race: the last wins)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            texts = list(self.stored)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".npz")
            with os.fdopen(handle, "wb") as out:
                np.savez(out, texts=np.array(texts, dtype=str), vectors=np.stack([self.stored[t] for t in texts]))
            os.replace(temporary, self.file)
        except OSError:
            pass  # a read-only disk: the vectors stay in memory


@lru_cache(maxsize=1)
def store() -> VectorStore:
    return VectorStore()


def vectors(texts: Sequence[str], keep: bool = False) -> np.ndarray:
    """MiniLM vectors of the texts (see VectorStore.vectors)."""
    return store().vectors(list(texts), keep=keep)
