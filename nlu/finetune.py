"""Fine-tune the top layers of the packaged MiniLM under a linear classification head, on the CPU.

The lower layers stay frozen, so their output is computed once per training text and cached;
each epoch then runs only the top layers forwards and backwards. On two CPU cores that makes an
epoch several times cheaper than tuning the whole encoder, for most of its accuracy gain.

Inference runs the encoder's linear layers in int8 (dynamic quantisation), which more than
halves single-query latency on the CPU. The frozen layers are quantised before training, so the
tuned layers learn from exactly the states they will see at inference.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from supportgraph.nlu.embeddings import EMBEDDING_DIM, load_encoder

MAX_TOKENS = 64
INFER_BATCH = 128


def quantized(module: nn.Module) -> nn.Module:
    """A copy of `module` whose linear layers run in int8 with dynamically scaled inputs."""
    with warnings.catch_warnings():
        # The eager quantisation API is deprecated in favour of a separate package, but works.
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(module, {nn.Linear}, dtype=torch.qint8)


@dataclass(frozen=True, kw_only=True)
class FineTuneConfig:
    """Hyper-parameters of one fine-tuning run."""

    layers: int = 2
    """How many of the encoder's top layers are trained; the rest stay frozen."""
    epochs: int = 3
    batch_size: int = 64
    lr: float = 1e-4
    """Learning rate of the tuned layers; the freshly initialised head learns 20 times faster."""
    label_smoothing: float = 0.1
    warmup: float = 0.06
    """Share of the steps spent warming the learning rate up from zero."""
    seed: int = 0


class FineTunedEncoder:
    """MiniLM whose top layers were tuned for one label set, with its softmax head."""

    def __init__(self, n_classes: int, config: FineTuneConfig | None = None) -> None:
        """Copy the top layers of the packaged encoder and add an untrained head.

        Args:
            n_classes: Number of labels; `fit` takes label ids in `range(n_classes)`.
            config: Training hyper-parameters.
        """
        self.config = config or FineTuneConfig()
        encoder = load_encoder()
        self.tokenizer = encoder.tokenizer
        # A BertModel; torch types submodules loosely, so it is typed as Any here.
        base: Any = encoder.model
        self.embeddings: nn.Module = base.embeddings
        depth = len(base.encoder.layer)
        self.split = depth - self.config.layers
        # Quantising copies, so the product encoder's own layers are left as they are.
        self.frozen = [quantized(layer) for layer in base.encoder.layer[: self.split]]
        self.tuned: Any = copy.deepcopy(base.encoder.layer[self.split :])
        self.head = nn.Linear(EMBEDDING_DIM, n_classes)

    def _tokens(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        return self.tokenizer(
            list(texts),
            padding=True,
            truncation=True,
            max_length=MAX_TOKENS,
            return_tensors="pt",
        )

    @staticmethod
    def _run(
        layers: Sequence[nn.Module], hidden: torch.Tensor, mask: torch.Tensor | None
    ) -> torch.Tensor:
        # An additive mask keeps padding out of attention; a single unpadded text needs none.
        extended = None
        if mask is not None and not bool(mask.all()):
            extended = (1.0 - mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(
                hidden.dtype
            ).min
        for layer in layers:
            out = layer(hidden, attention_mask=extended)
            hidden = out[0] if isinstance(out, tuple) else out
        return hidden

    def _lower(self, tokens: dict[str, torch.Tensor]) -> torch.Tensor:
        hidden = self.embeddings(
            input_ids=tokens["input_ids"], token_type_ids=tokens.get("token_type_ids")
        )
        return self._run(self.frozen, hidden, tokens["attention_mask"])

    def _pool(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Sentence features from lower-layer states: tuned layers, then mean pooling."""
        hidden = self._run(self.tuned, hidden, mask)
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)

    def _upper(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits from lower-layer states."""
        return self.head(self._pool(hidden, mask))

    def _cache(self, texts: Sequence[str]) -> list[torch.Tensor]:
        """Lower-layer states of every text, unpadded, encoded shortest first."""
        states: list[torch.Tensor] = [torch.empty(0)] * len(texts)
        order = np.argsort([len(t) for t in texts], kind="stable")
        with torch.inference_mode():
            for start in range(0, len(texts), INFER_BATCH):
                idx = order[start : start + INFER_BATCH]
                tokens = self._tokens([texts[i] for i in idx])
                hidden = self._lower(tokens)
                lengths = tokens["attention_mask"].sum(1).tolist()
                for row, i in enumerate(idx):
                    states[i] = hidden[row, : lengths[row]].clone()
        return states

    def _batches(self, states: list[torch.Tensor], rng: np.random.Generator) -> list[np.ndarray]:
        """One epoch of batches: shuffled, then grouped by length within windows to cut padding."""
        size = self.config.batch_size
        perm = rng.permutation(len(states))
        batches: list[np.ndarray] = []
        for start in range(0, len(perm), size * 16):
            window = perm[start : start + size * 16]
            window = window[np.argsort([len(states[i]) for i in window], kind="stable")]
            batches += [window[k : k + size] for k in range(0, len(window), size)]
        rng.shuffle(batches)  # type: ignore[arg-type]
        return batches

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[int],
        *,
        on_step: Callable[[int, int], None] | None = None,
    ) -> FineTunedEncoder:
        """Train the top layers and the head with label-smoothed cross-entropy.

        Args:
            texts: Training texts.
            labels: Label id of each text.
            on_step: Called as `on_step(step, total_steps)` after every optimiser step.
        """
        cfg = self.config
        torch.manual_seed(cfg.seed)
        rng = np.random.default_rng(cfg.seed)
        states = self._cache(texts)
        y = torch.as_tensor(np.asarray(labels), dtype=torch.long)
        optimiser = torch.optim.AdamW(
            [
                {"params": list(self.tuned.parameters()), "lr": cfg.lr},
                {"params": list(self.head.parameters()), "lr": cfg.lr * 20},
            ],
            weight_decay=0.01,
        )
        total = math.ceil(len(texts) / cfg.batch_size) * cfg.epochs
        warm = max(int(cfg.warmup * total), 1)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(total - warm, 1)))
        )
        self.tuned.train()
        step = 0
        for _ in range(cfg.epochs):
            for batch in self._batches(states, rng):
                hidden = nn.utils.rnn.pad_sequence([states[i] for i in batch], batch_first=True)
                lengths = torch.tensor([len(states[i]) for i in batch])
                mask = (torch.arange(hidden.shape[1])[None, :] < lengths[:, None]).long()
                # bfloat16 autocast: the CPU's bf16 units make each step markedly cheaper.
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    logits = self._upper(hidden, mask)
                loss = F.cross_entropy(
                    logits.float(), y[batch], label_smoothing=cfg.label_smoothing
                )
                loss.backward()
                optimiser.step()
                schedule.step()
                optimiser.zero_grad(set_to_none=True)
                step += 1
                if on_step is not None:
                    on_step(step, total)
        self.tuned = quantized(self.tuned.eval())
        return self

    def infer(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities and pooled sentence features of many texts, shortest first."""
        probs = np.zeros((len(texts), self.head.out_features), dtype=np.float32)
        features = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        with torch.inference_mode():
            for start in range(0, len(texts), INFER_BATCH):
                idx = order[start : start + INFER_BATCH]
                tokens = self._tokens([texts[i] for i in idx])
                pooled = self._pool(self._lower(tokens), tokens["attention_mask"])
                features[idx] = pooled.numpy()
                probs[idx] = torch.softmax(self.head(pooled), dim=-1).numpy()
        return probs, features

    def infer_one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities and pooled features of one text, without padding."""
        with torch.inference_mode():
            tokens = self._tokens([text])
            pooled = self._pool(self._lower(tokens), tokens["attention_mask"])
            return torch.softmax(self.head(pooled)[0], dim=-1).numpy(), pooled[0].numpy()

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities of many texts."""
        return self.infer(texts)[0]

    def predict_one(self, text: str) -> np.ndarray:
        """Class probabilities of one text."""
        return self.infer_one(text)[0]
