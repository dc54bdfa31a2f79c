"""Named model configurations, kept apart from the factory (model.py) that builds them.

One ModelConfig describes a whole MultimodalModel; it is saved as config.json next to the weights, so a
checkpoint rebuilds itself without this file's named entries. Encoder names are recorded because the
checkpoint only makes sense on top of the frozen encoders whose token features it was trained on.
"""
from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any

from .schema import IMAGE_KIND_LABELS, INTENTS, TONES

FUSION_NAMES: tuple[str, ...] = ("early", "late", "cross_attention", "attention")


@dataclass
class ModelConfig:
    fusion: str = "attention"       # a key of mmdemo.fusion.FUSIONS
    d_model: int = 128              # shared width after alignment; also the joint width D
    n_heads: int = 4
    n_layers: int = 2               # Transformer / cross-attention layers
    d_ff: int = 256
    dropout: float = 0.1
    text_dim: int = 384             # all-MiniLM-L6-v2 hidden size
    image_dim: int = 1280           # EfficientNet-Lite0 last feature map channels
    image_grid: tuple[int, int] = (7, 7)
    image_size: int = 224           # the encoder's input side; checkpoints from before this field used 224
    n_mels: int = 80
    audio_dim: int = 128            # width of the trainable audio encoder's tokens
    audio_lstm: bool = True
    max_text_len: int = 40          # word pieces incl. [CLS]/[SEP]; longer inputs are truncated
    max_audio_tokens: int = 64      # 64 x 0.08 s = 5.1 s before the audio encoder starts pooling
    text_encoder: str = "minilm"
    text_adapter: str | None = None      # LoRA adapter folder of the text encoder, relative to the checkpoints root
    text_adapter_id: str | None = None   # ...and its fingerprint: the token states were computed with exactly it
    image_encoder: str = "efficientnet-lite0"
    image_top: str | None = None         # fine-tuned top of the image encoder (mmdemo.adapt_image), relative folder
    image_top_id: str | None = None      # ...and its fingerprint: the patch tokens were computed with exactly it
    image_kind_readout: bool = False     # a fixed linear kind readout of the pooled photo tags its tokens (alignment)
    n_intents: int = len(INTENTS)
    n_image_kinds: int = len(IMAGE_KIND_LABELS)   # includes "none"
    n_tones: int = len(TONES)
    tone_reads_text: bool = False        # tone head also reads the pooled text states and the typed text's surface cues

    @property
    def n_image_tokens(self) -> int:
        return self.image_grid[0] * self.image_grid[1]

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["image_grid"] = list(self.image_grid)   # JSON has no tuples
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ModelConfig":
        """Tolerant of keys from other versions (warns and drops them) so old checkpoints still load."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            warnings.warn(f"ModelConfig: ignoring unknown keys {unknown}", stacklevel=2)
        kwargs = {k: v for k, v in d.items() if k in names}
        if "image_grid" in kwargs:
            kwargs["image_grid"] = tuple(kwargs["image_grid"])
        return cls(**kwargs)


# The shipped strategies read photos at 320 px: a linear probe on the frozen features told intact from damaged
# products on unseen product types far better than at 224 (held-out image kind 0.73 -> 0.79), for about twice
# the encoder's work (ImageEncoder.fold_batchnorm wins part of it back when serving).
IMAGE_SIZE = 320

# where a checkpoints folder keeps the LoRA adapter of the text encoder (mmdemo.adapt_text) its models read
TEXT_ADAPTER_DIR = "text_adapter"
# ...and the fine-tuned top of the image encoder (mmdemo.adapt_image)
IMAGE_TOP_DIR = "image_top"


def tiny_config(fusion: str = "attention", **overrides: Any) -> ModelConfig:
    """A very small model with the real input widths (384 / 1280 / 80), for fast tests."""
    base = dict(fusion=fusion, d_model=32, n_heads=2, n_layers=1, d_ff=64, dropout=0.1, audio_dim=32,
                max_audio_tokens=16, image_size=IMAGE_SIZE)
    base.update(overrides)
    return ModelConfig(**base)


MODEL_CONFIGS: dict[str, ModelConfig] = {name: ModelConfig(fusion=name, image_size=IMAGE_SIZE) for name in FUSION_NAMES}
MODEL_CONFIGS.update({f"{name}-tiny": tiny_config(name) for name in FUSION_NAMES})


def get_config(name: str, **overrides: Any) -> ModelConfig:
    """A copy of a named config (so callers can't mutate the registry), with optional field overrides."""
    if name not in MODEL_CONFIGS:
        raise KeyError(f"unknown model config {name!r}; known: {sorted(MODEL_CONFIGS)}")
    return dataclasses.replace(MODEL_CONFIGS[name], **overrides)
