"""MultimodalModel: audio encoder + aligner + a fusion from the registry + three heads.

It holds NO pretrained encoder weights: it consumes the token features the frozen text / image encoders
produce (cached on disk for training, computed on the fly in the app), so a checkpoint is a few MB and
training never runs MiniLM or EfficientNet. The audio encoder is small and trained, so it lives here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from .alignment import AlignedTokens, ModalityAligner
from .configs import ModelConfig
from .encoders import SURFACE_CUES, AudioEncoder
from .fusion import FusionOutput, build_fusion, masked_mean

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"


def _as_tensor(x: Any) -> Tensor | None:
    if x is None:
        return None
    t = torch.as_tensor(np.asarray(x) if not isinstance(x, Tensor) else x, dtype=torch.float32)
    return t if t.numel() > 0 else None   # an empty sequence counts as absent


@dataclass
class ModelInputs:
    """A padded batch. Masks are bool, True = real. A missing modality = all-False mask row."""
    text_tokens: Tensor    # [B, Lt, 384]
    text_mask: Tensor      # [B, Lt]
    image_tokens: Tensor   # [B, 49, 1280]
    image_mask: Tensor     # [B] image present
    audio_feats: Tensor    # [B, T, 80]
    audio_mask: Tensor     # [B, T]
    text_cues: Tensor | None = None   # [B, len(SURFACE_CUES)] of the typed text (encoders.surface_cues); None = zeros

    @property
    def batch_size(self) -> int:
        return self.text_tokens.shape[0]

    def to(self, device: torch.device | str) -> "ModelInputs":
        return ModelInputs(**{f.name: None if getattr(self, f.name) is None else getattr(self, f.name).to(device)
                              for f in fields(self)})

    @classmethod
    def collate(cls, samples: list[dict[str, Any]], text_dim: int = 384, image_shape: tuple[int, int] = (49, 1280),
                n_mels: int = 80) -> "ModelInputs":
        """Pad per-sample dicts into a batch. Keys: "text_tokens" [L, 384], "image_tokens" [49, 1280],
        "audio_feats" [T, 80]; each a tensor / array or None (absent); optional "text_cues" (surface_cues of the
        typed text; a batch without any keeps None). Padding is zeros; sequence lengths are
        at least 1 so every tensor has a real shape even when a modality is absent from the whole batch."""
        texts = [_as_tensor(s.get("text_tokens")) for s in samples]
        images = [_as_tensor(s.get("image_tokens")) for s in samples]
        audios = [_as_tensor(s.get("audio_feats")) for s in samples]
        b = len(samples)
        lt = max([t.shape[0] for t in texts if t is not None] or [1])
        ta = max([a.shape[0] for a in audios if a is not None] or [1])
        text = torch.zeros(b, lt, text_dim)
        text_mask = torch.zeros(b, lt, dtype=torch.bool)
        image = torch.zeros(b, *image_shape)
        image_mask = torch.zeros(b, dtype=torch.bool)
        audio = torch.zeros(b, ta, n_mels)
        audio_mask = torch.zeros(b, ta, dtype=torch.bool)
        for i, (t, im, a) in enumerate(zip(texts, images, audios)):
            if t is not None:
                text[i, : t.shape[0]], text_mask[i, : t.shape[0]] = t, True
            if im is not None:
                image[i], image_mask[i] = im.reshape(image_shape), True
            if a is not None:
                audio[i, : a.shape[0]], audio_mask[i, : a.shape[0]] = a, True
        cues = None
        if any(s.get("text_cues") is not None for s in samples):
            cues = torch.zeros(b, len(SURFACE_CUES))
            for i, s in enumerate(samples):
                if s.get("text_cues") is not None:
                    cues[i] = torch.as_tensor(s["text_cues"], dtype=torch.float32)
        return cls(text, text_mask, image, image_mask, audio, audio_mask, cues)


@dataclass
class ModelOutput:
    intent_logits: Tensor       # [B, n_intents] UNcalibrated (inference divides by model.temperature)
    image_kind_logits: Tensor   # [B, n_image_kinds] (last class = "none")
    tone_logits: Tensor         # [B, n_tones]
    fusion: FusionOutput
    aligned: AlignedTokens      # the fused tokens and their masks (for the explainer's labels)


def _head(d: int, n_out: int, dropout: float, d_in: int | None = None) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_in or d, d), nn.GELU(), nn.Dropout(dropout), nn.Linear(d, n_out))


class MultimodalModel(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.audio_encoder = AudioEncoder(config.n_mels, config.audio_dim, config.audio_lstm,
                                          config.max_audio_tokens, config.dropout)
        self.aligner = ModalityAligner(config)
        self.fusion = build_fusion(config.fusion, config)
        d = config.d_model
        # A fusion that decides the intent itself (late) gets no intent head: an unused head would only
        # confuse readers and make DistributedDataParallel fail on parameters without gradients.
        self.intent_head = None if self.fusion.decides_intent else _head(d, config.n_intents, config.dropout)
        self.image_kind_head = _head(d, config.n_image_kinds, config.dropout)
        # tone reads the fused vector and, when config.tone_reads_text (adapt_tone), the words themselves: the mean
        # of the text token states and the typed text's surface cues (what the uncased tokenizer drops)
        self.tone_text_norm = nn.LayerNorm(config.text_dim) if config.tone_reads_text else None
        extra = config.text_dim + len(SURFACE_CUES) if config.tone_reads_text else 0
        self.tone_head = _head(d, config.n_tones, config.dropout, d + extra)
        self.register_buffer("temperature", torch.ones(()))   # set by calibration; saved with the weights

    def forward(self, inputs: ModelInputs, return_attention: bool = False) -> ModelOutput:
        audio, audio_mask = self.audio_encoder(inputs.audio_feats, inputs.audio_mask)
        tokens = self.aligner(inputs.text_tokens, inputs.text_mask, inputs.image_tokens, inputs.image_mask,
                              audio, audio_mask)
        fused = self.fusion(tokens, return_attention=return_attention)
        intent = fused.intent_logits if self.intent_head is None else self.intent_head(fused.joint)
        tone = self.tone_head(self.tone_input(fused.joint, inputs))
        return ModelOutput(intent, self.image_kind_head(fused.joint), tone, fused, tokens)

    def tone_input(self, joint: Tensor, inputs: ModelInputs) -> Tensor:
        """The tone head's input: the fused vector, plus (config.tone_reads_text) what the words say directly."""
        if not self.config.tone_reads_text:
            return joint
        pooled = masked_mean(inputs.text_tokens.to(joint.dtype), inputs.text_mask)
        return self.tone_text_input(joint, pooled, inputs.text_mask.any(1), inputs.text_cues)

    def tone_text_input(self, joint: Tensor, pooled: Tensor, has_text: Tensor, cues: Tensor | None) -> Tensor:
        """[fused vector, normalised mean text state (zeros without text), surface cues (zeros when not given)]."""
        pooled = self.tone_text_norm(pooled) * has_text.unsqueeze(-1).to(joint.dtype)
        cues = joint.new_zeros(joint.shape[0], len(SURFACE_CUES)) if cues is None else cues.to(joint.dtype)
        return torch.cat([joint, pooled, cues], -1)

    def num_parameters(self, trainable_only: bool = False) -> int:
        return sum(p.numel() for p in self.parameters() if p.requires_grad or not trainable_only)

    def save_pretrained(self, directory: str | Path) -> Path:
        from safetensors.torch import save_file

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / CONFIG_NAME).write_text(json.dumps(self.config.to_dict(), indent=2) + "\n")
        state = {k: v.detach().to("cpu").contiguous() for k, v in self.state_dict().items()}
        save_file(state, str(directory / WEIGHTS_NAME), metadata={"format": "pt", "fusion": self.config.fusion})
        return directory

    @classmethod
    def from_pretrained(cls, directory: str | Path, device: torch.device | str = "cpu") -> "MultimodalModel":
        """Rebuild from config.json and load the weights strictly; returned in eval mode."""
        from safetensors.torch import load_file

        directory = Path(directory)
        config = ModelConfig.from_dict(json.loads((directory / CONFIG_NAME).read_text()))
        model = cls(config)
        model.load_state_dict(load_file(str(directory / WEIGHTS_NAME), device=str(device)))
        return model.to(device).eval()
