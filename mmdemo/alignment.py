"""Bring the three modalities into one space before fusion.

Each modality is projected to d_model (Linear + LayerNorm, so that 384-d text, 1280-d image and audio
tokens arrive on a comparable scale), then tagged with a learned modality-type embedding (the fusion must
know which tokens are words and which are image cells) and a position embedding: 1-D for text and audio,
2-D (row + column) for the image grid so neighbouring cells share structure. Masked positions are zeroed,
which makes every fusion blind to padding values by construction.

Optionally (config.image_kind_readout) every image token also carries what a fixed linear readout of the
whole photo says about its kind: log-probabilities of the six kinds from the mean of its patch tokens, set once
before the fusion trains (train.kind_readout_for: the image top's own kind head, or one fitted) and then frozen,
embedded by a learned linear map.
Why: on product types never seen, the image top's own kind head told intact from damaged better than the fusion
models' reading of the patch tokens, which leans to "damaged". Tried on 2026-11-30 and not shipped: the models
trained with it did not score higher (docs/experiments.md, "A kind readout").
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .configs import ModelConfig

TYPE_IDS = {"cls": 0, "text": 1, "image": 2, "audio": 3}


@dataclass
class AlignedTokens:
    """All [B, ...]; masks are bool, True = a real token. A missing modality = an all-False mask row."""
    cls: Tensor          # [B, 1, d]  the [CLS] token (type embedding cls) for fusions that want one
    text: Tensor         # [B, Lt, d]
    text_mask: Tensor    # [B, Lt]
    image: Tensor        # [B, 49, d]
    image_mask: Tensor   # [B, 49]
    audio: Tensor        # [B, La, d]
    audio_mask: Tensor   # [B, La]

    def present(self, modality: str) -> Tensor:
        """[B] bool: does each sample have this modality at all?"""
        return getattr(self, f"{modality}_mask").any(dim=1)

    @property
    def batch_size(self) -> int:
        return self.cls.shape[0]


class ModalityAligner(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        d = config.d_model
        self.config = config
        self.text_proj = nn.Sequential(nn.Linear(config.text_dim, d), nn.LayerNorm(d))
        self.image_proj = nn.Sequential(nn.Linear(config.image_dim, d), nn.LayerNorm(d))
        self.audio_proj = nn.Sequential(nn.Linear(config.audio_dim, d), nn.LayerNorm(d))
        # The [CLS] token is its own type embedding (a learned vector): no separate parameter that would sit
        # unused, and break DDP, in the fusions that ignore it.
        self.type_embed = nn.Embedding(len(TYPE_IDS), d)
        self.text_pos = nn.Embedding(config.max_text_len, d)
        self.audio_pos = nn.Embedding(config.max_audio_tokens, d)
        rows, cols = config.image_grid
        self.image_row = nn.Embedding(rows, d)
        self.image_col = nn.Embedding(cols, d)
        for emb in (self.type_embed, self.text_pos, self.audio_pos, self.image_row, self.image_col):
            nn.init.normal_(emb.weight, std=0.02)
        if config.image_kind_readout:   # buffers: set by set_kind_readout, saved with the weights, never trained
            n_kinds = config.n_image_kinds - 1   # the photo kinds, without "none"
            self.register_buffer("kind_readout_weight", torch.zeros(n_kinds, config.image_dim))
            self.register_buffer("kind_readout_bias", torch.zeros(n_kinds))
            self.kind_embed = nn.Linear(n_kinds, d)

    def set_kind_readout(self, weight: Tensor, bias: Tensor) -> None:
        """Install the fitted readout ([kinds, image_dim], [kinds]); see train.fit_kind_readout."""
        self.kind_readout_weight.copy_(weight)
        self.kind_readout_bias.copy_(bias)

    def kind_readout(self, image: Tensor) -> Tensor:
        """[B, 6] log-probabilities of the photo kinds from the mean of each photo's patch tokens."""
        logits = image.float().mean(1) @ self.kind_readout_weight.T + self.kind_readout_bias
        return torch.log_softmax(logits, -1)

    def _type(self, name: str) -> Tensor:
        return self.type_embed.weight[TYPE_IDS[name]]

    def image_positions(self) -> Tensor:
        """[rows*cols, d]: row embedding + column embedding, row-major like the encoder's tokens."""
        rows, cols = self.config.image_grid
        return (self.image_row.weight[:, None, :] + self.image_col.weight[None, :, :]).reshape(rows * cols, -1)

    def forward(self, text: Tensor, text_mask: Tensor, image: Tensor, image_mask: Tensor,
                audio: Tensor, audio_mask: Tensor) -> AlignedTokens:
        """text [B, Lt, text_dim] (truncated to max_text_len), image [B, 49, image_dim] with image_mask [B]
        (present) or [B, 49], audio [B, La, audio_dim] (La <= max_audio_tokens, the audio encoder pools)."""
        b = text.shape[0]
        text, text_mask = text[:, : self.config.max_text_len], text_mask[:, : self.config.max_text_len].bool()
        if image_mask.dim() == 1:
            image_mask = image_mask[:, None].expand(b, image.shape[1])
        image_mask, audio_mask = image_mask.bool(), audio_mask.bool()
        if audio.shape[1] > self.config.max_audio_tokens:
            raise ValueError(f"{audio.shape[1]} audio tokens > max_audio_tokens={self.config.max_audio_tokens}")

        def tag(x: Tensor, mask: Tensor, kind: str, pos: Tensor) -> Tensor:
            return torch.where(mask[..., None], x + self._type(kind) + pos, x.new_zeros(()))

        lt, la = text.shape[1], audio.shape[1]
        cls = self._type("cls").expand(b, 1, -1)
        image_pos = self.image_positions()
        if self.config.image_kind_readout:   # the same tag on every cell of a photo: what the readout says of it
            image_pos = image_pos + self.kind_embed(self.kind_readout(image))[:, None, :]
        return AlignedTokens(
            cls=cls,
            text=tag(self.text_proj(text), text_mask, "text", self.text_pos.weight[:lt]),
            text_mask=text_mask,
            image=tag(self.image_proj(image), image_mask, "image", image_pos),
            image_mask=image_mask,
            audio=tag(self.audio_proj(audio), audio_mask, "audio", self.audio_pos.weight[:la]),
            audio_mask=audio_mask,
        )
