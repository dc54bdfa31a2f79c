"""Bring the three modalities into one space before fusion.

Each modality is projected to d_model (Linear + LayerNorm, so that 384-d text, 1280-d image and audio
tokens arrive on a comparable scale), then tagged with a learned modality-type embedding (the fusion must
know which tokens are words and which are image cells) and a position embedding: 1-D for text and audio,
2-D (row + column) for the image grid so neighbouring cells share structure. Masked positions are zeroed,
which makes every fusion blind to padding values by construction.
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
        return AlignedTokens(
            cls=cls,
            text=tag(self.text_proj(text), text_mask, "text", self.text_pos.weight[:lt]),
            text_mask=text_mask,
            image=tag(self.image_proj(image), image_mask, "image", self.image_positions()),
            image_mask=image_mask,
            audio=tag(self.audio_proj(audio), audio_mask, "audio", self.audio_pos.weight[:la]),
            audio_mask=audio_mask,
        )
