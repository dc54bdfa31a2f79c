"""The fusion registry: four named, swappable ways to combine aligned text, image and audio tokens.

Every fusion has the same interface, forward(AlignedTokens) -> FusionOutput, so the model, the trainer and
the app switch between them by name (config.fusion) only. Add one with @register_fusion("name").

    early            pool each modality, concatenate, MLP            (cheap; no token interaction)
    late             one intent classifier per modality, combine the decisions with learned weights
    cross_attention  text (plus a query token) attends to the image and, separately, to the audio
    attention        one Transformer over [CLS] + text + image + audio tokens (the multimodal Transformer)

A missing modality is an all-False mask row (see alignment.py); each fusion must give it zero influence.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .alignment import AlignedTokens
from .attention import CrossAttentionLayer, TransformerEncoder
from .configs import ModelConfig

MODALITY_ORDER: tuple[str, ...] = ("text", "image", "audio")


@dataclass
class FusionOutput:
    joint: Tensor                                      # [B, D] joint representation for the heads
    intent_logits: Tensor | None = None                # only fusions that decide the intent themselves (late)
    attentions: list[Tensor] | None = None             # attention: per layer [B, H, N, N] over the joint sequence
    cross_attentions: dict[str, Tensor] | None = None  # cross_attention: "text->image" / "text->audio" [B, H, Nq, Nk]
    segments: dict[str, tuple[int, int]] | None = None  # modality -> [start, end) in the (query-side) sequence
    cross_attention_layers: dict[str, list[Tensor]] | None = None  # cross_attention: same keys, every layer
    modality_probs: dict[str, Tensor] | None = None    # late: per-modality intent probabilities [B, n_intents]
    modality_weights: Tensor | None = None             # late: [B, 3] weights actually used (text, image, audio)


class Fusion(nn.Module):
    """Base class: one interface for all fusions. `name` is set by @register_fusion."""

    name: str = ""
    decides_intent: bool = False   # True: FusionOutput.intent_logits is set and the model has no intent_head

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config

    def forward(self, tokens: AlignedTokens, return_attention: bool = False) -> FusionOutput:
        raise NotImplementedError


FUSIONS: dict[str, type[Fusion]] = {}


def register_fusion(name: str):
    """Class decorator: make a Fusion buildable by name."""
    def decorator(cls: type[Fusion]) -> type[Fusion]:
        if name in FUSIONS and FUSIONS[name] is not cls:
            raise ValueError(f"fusion {name!r} is already registered by {FUSIONS[name].__name__}")
        cls.name = name
        FUSIONS[name] = cls
        return cls
    return decorator


def build_fusion(name: str, config: ModelConfig) -> Fusion:
    if name not in FUSIONS:
        raise KeyError(f"unknown fusion {name!r}; registered: {sorted(FUSIONS)}")
    return FUSIONS[name](config)


def masked_mean(x: Tensor, mask: Tensor) -> Tensor:
    """Mean over valid positions: [B, N, d], [B, N] -> [B, d]; all-masked rows give zeros."""
    m = mask.to(x.dtype)[..., None]
    return (x * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)


def _mlp(d_in: int, d_hidden: int, d_out: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_in, d_hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(d_hidden, d_out))


@register_fusion("early")
class EarlyFusion(Fusion):
    """Concatenate one pooled vector per modality and mix them with an MLP. An absent modality is replaced
    by a learned "missing" embedding, so the MLP can tell "no image" from "an image with average features"."""

    def __init__(self, config: ModelConfig):
        super().__init__(config)
        d = config.d_model
        self.missing = nn.Parameter(torch.randn(len(MODALITY_ORDER), d) * 0.02)
        self.mlp = _mlp(len(MODALITY_ORDER) * d, config.d_ff, d, config.dropout)

    def forward(self, tokens: AlignedTokens, return_attention: bool = False) -> FusionOutput:
        parts = []
        for i, m in enumerate(MODALITY_ORDER):
            pooled = masked_mean(getattr(tokens, m), getattr(tokens, f"{m}_mask"))   # zeros when absent
            absent = (~tokens.present(m)).to(pooled.dtype)[:, None]
            parts.append(pooled + absent * self.missing[i])
        return FusionOutput(joint=self.mlp(torch.cat(parts, dim=-1)))


@register_fusion("late")
class LateFusion(Fusion):
    """One intent classifier per modality; their probabilities are averaged with learned weights
    w = softmax(modality_logits), renormalised over the modalities each sample actually has:

        p = sum_m w_m present_m softmax(l_m) / sum_m w_m present_m,     intent_logits = log(p + eps)

    so a text-only request is decided by the text classifier alone. With no modality at all p is uniform.
    `joint` (for the image-kind and tone heads) is the mean of the present modalities' pooled features.
    """

    eps = 1e-8
    decides_intent = True

    def __init__(self, config: ModelConfig):
        super().__init__(config)
        d = config.d_model
        self.classifiers = nn.ModuleDict({m: _mlp(d, d, config.n_intents, config.dropout) for m in MODALITY_ORDER})
        self.modality_logits = nn.Parameter(torch.zeros(len(MODALITY_ORDER)))

    def forward(self, tokens: AlignedTokens, return_attention: bool = False) -> FusionOutput:
        pooled = [masked_mean(getattr(tokens, m), getattr(tokens, f"{m}_mask")) for m in MODALITY_ORDER]
        present = torch.stack([tokens.present(m) for m in MODALITY_ORDER], dim=1).to(pooled[0].dtype)  # [B, 3]
        probs = torch.stack([torch.softmax(self.classifiers[m](p), dim=-1)
                             for m, p in zip(MODALITY_ORDER, pooled)], dim=1)                      # [B, 3, C]
        w = torch.softmax(self.modality_logits, dim=0)[None, :] * present                           # [B, 3]
        total = w.sum(dim=1, keepdim=True)
        weights = w / total.clamp(min=torch.finfo(w.dtype).tiny)
        p = (weights[..., None] * probs).sum(dim=1)
        p = torch.where(total > 0, p, torch.full_like(p, 1.0 / p.shape[-1]))
        joint = (torch.stack(pooled, dim=1) * present[..., None]).sum(dim=1) / present.sum(1, keepdim=True).clamp(min=1)
        return FusionOutput(joint=joint, intent_logits=torch.log(p + self.eps),
                            modality_probs={m: probs[:, i] for i, m in enumerate(MODALITY_ORDER)},
                            modality_weights=weights)


@register_fusion("cross_attention")
class CrossAttentionFusion(Fusion):
    """The query side ([CLS]-like query token + text tokens) attends to the image tokens and, separately, to
    the audio tokens. The query token lets an image-only or audio-only request still ask something.

    Per layer the two branch outputs are averaged over the modalities the sample has; a missing branch adds
    exactly zero (and with neither, the query side passes through unchanged). joint = Linear(concat(pooled
    query side, pooled image, pooled audio)), missing parts being zero vectors.
    Query-side positions: 0 = the query token, 1..Lt = text (see `segments`).
    """

    def __init__(self, config: ModelConfig):
        super().__init__(config)
        d = config.d_model
        args = (d, config.n_heads, config.d_ff, config.dropout)
        self.to_image = nn.ModuleList(CrossAttentionLayer(*args) for _ in range(config.n_layers))
        self.to_audio = nn.ModuleList(CrossAttentionLayer(*args) for _ in range(config.n_layers))
        self.out = nn.Linear(3 * d, d)

    def forward(self, tokens: AlignedTokens, return_attention: bool = False) -> FusionOutput:
        x = torch.cat([tokens.cls, tokens.text], dim=1)
        q_mask = torch.cat([torch.ones_like(tokens.text_mask[:, :1]), tokens.text_mask], dim=1)
        g_img = tokens.present("image").to(x.dtype)[:, None, None]
        g_aud = tokens.present("audio").to(x.dtype)[:, None, None]
        n_branches = g_img + g_aud
        img_ws, aud_ws = [], []
        for to_img, to_aud in zip(self.to_image, self.to_audio):
            y_img, w_img = to_img(x, tokens.image, tokens.image_mask)
            y_aud, w_aud = to_aud(x, tokens.audio, tokens.audio_mask)
            mixed = (g_img * y_img + g_aud * y_aud) / n_branches.clamp(min=1.0)
            x = torch.where(n_branches > 0, mixed, x)
            img_ws.append(w_img)
            aud_ws.append(w_aud)
        joint = self.out(torch.cat([masked_mean(x, q_mask),
                                    g_img[:, 0] * masked_mean(tokens.image, tokens.image_mask),
                                    g_aud[:, 0] * masked_mean(tokens.audio, tokens.audio_mask)], dim=-1))
        out = FusionOutput(joint=joint)
        if return_attention:
            out.cross_attentions = {"text->image": img_ws[-1], "text->audio": aud_ws[-1]}
            out.cross_attention_layers = {"text->image": img_ws, "text->audio": aud_ws}
            out.segments = {"cls": (0, 1), "text": (1, 1 + tokens.text.shape[1])}
        return out


@register_fusion("attention")
class AttentionFusion(Fusion):
    """The multimodal Transformer: self-attention over [CLS] + text + image + audio, with padding and missing
    modalities masked out as keys; joint = the final [CLS] state (which is never masked)."""

    def __init__(self, config: ModelConfig):
        super().__init__(config)
        self.encoder = TransformerEncoder(config.n_layers, config.d_model, config.n_heads, config.d_ff,
                                          config.dropout)

    @staticmethod
    def segments(tokens: AlignedTokens) -> dict[str, tuple[int, int]]:
        lt, li, la = tokens.text.shape[1], tokens.image.shape[1], tokens.audio.shape[1]
        return {"cls": (0, 1), "text": (1, 1 + lt), "image": (1 + lt, 1 + lt + li),
                "audio": (1 + lt + li, 1 + lt + li + la)}

    def forward(self, tokens: AlignedTokens, return_attention: bool = False) -> FusionOutput:
        seq = torch.cat([tokens.cls, tokens.text, tokens.image, tokens.audio], dim=1)
        cls_mask = torch.ones_like(tokens.text_mask[:, :1])
        mask = torch.cat([cls_mask, tokens.text_mask, tokens.image_mask, tokens.audio_mask], dim=1)
        x, weights = self.encoder(seq, mask)
        out = FusionOutput(joint=x[:, 0])
        if return_attention:
            out.attentions = weights
            out.segments = self.segments(tokens)
        return out
