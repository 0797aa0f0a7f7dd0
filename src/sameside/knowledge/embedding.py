"""Sentence embeddings on the CPU, from weights that ship inside a PyPI package (nothing fetched at run time).

The model is WordLlama's `l2_supercat_256`: a static embedding (one 256-number
vector per token of a 32,000-token vocabulary, distilled from large language
models' token embeddings), read with `tokenizers` and `safetensors` from the
files inside the `wordllama` wheel; a text's vector is the mean of its tokens'
vectors, scaled to length 1. About 0.2 ms per short text on one core, no
PyTorch. The package's own loader is not used: it tries the network first.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from tokenizers import Tokenizer

MODEL = "wordllama-l2-supercat-256"
DIMENSIONS = 256
Vectors = npt.NDArray[np.float32]


class ModelMissing(RuntimeError):
    """The `wordllama` package (which carries the weights) is not installed."""


def _package_dir() -> Path:
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing("The wordllama package is not installed: `pip install wordllama`.")
    return Path(next(iter(spec.submodule_search_locations)))


class Embedder:
    def __init__(self) -> None:
        root = _package_dir()
        self._tokenizer = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        table = load_file(str(root / "weights" / "l2_supercat_256.safetensors"))["embedding.weight"]
        self._table: Vectors = table.astype(np.float32)

    def encode(self, texts: list[str]) -> Vectors:
        """One unit-length vector per text (a text without a known token gets zeros)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        last = self._table.shape[0] - 1
        for i, encoding in enumerate(self._tokenizer.encode_batch([t[:4000] for t in texts], add_special_tokens=False)):
            ids = np.clip(np.asarray(encoding.ids, dtype=np.int64), 0, last)
            if ids.size:
                out[i] = self._table[ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        unit: Vectors = out / norms
        return unit


_lock = threading.Lock()
_embedder: Embedder | None = None


def embedder() -> Embedder:
    """The one model of the process, loaded on first use (about 0.1 s)."""
    global _embedder
    with _lock:
        if _embedder is None:
            _embedder = Embedder()
        return _embedder


def encode(texts: list[str]) -> Vectors:
    return embedder().encode(texts)


def to_bytes(vectors: Vectors) -> bytes:
    """Stored as float16: 512 bytes a vector."""
    return vectors.astype(np.float16).tobytes()


def from_bytes(data: bytes) -> Vectors:
    return np.frombuffer(data, dtype=np.float16).astype(np.float32).reshape(-1, DIMENSIONS)
