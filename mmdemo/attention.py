"""Attention written out as the formulas, so the fusions and the explainer can see every weight.

    Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V
    MultiHead(Q, K, V) = Concat(head_1, ..., head_h) W_o,   head_i = Attention(Q W_q^i, K W_k^i, V W_v^i)

No nn.MultiheadAttention inside: we need the per-head weights, still attached to the autograd graph (the
explainer takes gradients with respect to them, Chefer et al. 2021), and a well-defined answer (zeros) for a
query whose keys are all masked (a missing modality). tests/test_attention.py checks these modules against
torch's own nn.MultiheadAttention / nn.TransformerEncoderLayer with copied weights.
"""
from __future__ import annotations

import math

import torch
from torch import Tensor, nn


def _expand_key_mask(key_mask: Tensor, scores: Tensor) -> Tensor:
    """[B, Nk] -> [B, 1, ..., 1, Nk] so it broadcasts over heads and queries."""
    return key_mask.reshape(key_mask.shape[0], *([1] * (scores.dim() - 2)), key_mask.shape[-1])


def scaled_dot_product_attention(q: Tensor, k: Tensor, v: Tensor, key_mask: Tensor | None = None,
                                 dropout: nn.Module | None = None) -> tuple[Tensor, Tensor]:
    """softmax(Q K^T / sqrt(d_k)) V over the last two dims; returns (out, weights).

    q [..., Nq, d_k], k [..., Nk, d_k], v [..., Nk, d_v]; key_mask [B, Nk] bool, True = a key that may be
    attended to. Masked keys get -inf before the softmax. A row whose keys are all masked gives zero weights
    and a zero output, with finite gradients (the softmax is taken over zeros there, then zeroed), because a
    missing modality must contribute nothing rather than NaN. `dropout`, if given, acts on the weights used
    for V (as in the Transformer paper); the returned weights are the pre-dropout ones, rows summing to 1.
    """
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    empty_rows = None
    if key_mask is not None:
        mask = _expand_key_mask(key_mask.bool(), scores)
        scores = scores.masked_fill(~mask, float("-inf"))
        empty_rows = ~mask.any(dim=-1, keepdim=True)               # [B, 1.., 1, 1]
        scores = scores.masked_fill(empty_rows, 0.0)               # keep the softmax finite there
    weights = torch.softmax(scores, dim=-1)
    if empty_rows is not None:
        weights = weights.masked_fill(empty_rows, 0.0)
    used = dropout(weights) if dropout is not None else weights
    return used @ v, weights


class MultiHeadAttention(nn.Module):
    """W_q, W_k, W_v project, split into heads, attend, concatenate, W_o projects back.

    forward(query, key, value, key_mask) -> (out [B, Nq, d_model], weights [B, H, Nq, Nk]); weights are not
    detached so that relevancy methods can take gradients with respect to them.
    """

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"d_model={d_model} is not divisible by n_heads={n_heads}")
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.w_q = nn.Linear(d_model, d_model)
        self.w_k = nn.Linear(d_model, d_model)
        self.w_v = nn.Linear(d_model, d_model)
        self.w_o = nn.Linear(d_model, d_model)
        self.attn_dropout = nn.Dropout(dropout)

    def _split(self, x: Tensor) -> Tensor:
        b, n, _ = x.shape
        return x.view(b, n, self.n_heads, self.d_head).transpose(1, 2)   # [B, H, N, d_head]

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_mask: Tensor | None = None) -> tuple[Tensor, Tensor]:
        q, k, v = self._split(self.w_q(query)), self._split(self.w_k(key)), self._split(self.w_v(value))
        heads, weights = scaled_dot_product_attention(q, k, v, key_mask, self.attn_dropout)
        b, _, nq, _ = heads.shape
        concat = heads.transpose(1, 2).reshape(b, nq, self.d_model)
        return self.w_o(concat), weights


class FeedForward(nn.Module):
    """Position-wise FFN(x) = W_2 Dropout(ReLU(W_1 x + b_1)) + b_2."""

    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.0):
        super().__init__()
        self.linear1 = nn.Linear(d_model, d_ff)
        self.activation = nn.ReLU()
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(d_ff, d_model)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear2(self.dropout(self.activation(self.linear1(x))))


class CrossAttentionLayer(nn.Module):
    """Post-LN block, queries from `x`, keys/values from `context`:
        x = LayerNorm(x + Dropout(MHA(x, context, context)));  x = LayerNorm(x + Dropout(FFN(x)))
    """

    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float = 0.0):
        super().__init__()
        self.attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.dropout1 = nn.Dropout(dropout)
        self.norm1 = nn.LayerNorm(d_model)
        self.ffn = FeedForward(d_model, d_ff, dropout)
        self.dropout2 = nn.Dropout(dropout)
        self.norm2 = nn.LayerNorm(d_model)

    def forward(self, x: Tensor, context: Tensor, context_mask: Tensor | None = None) -> tuple[Tensor, Tensor]:
        attended, weights = self.attn(x, context, context, context_mask)
        x = self.norm1(x + self.dropout1(attended))
        x = self.norm2(x + self.dropout2(self.ffn(x)))
        return x, weights


class TransformerLayer(CrossAttentionLayer):
    """Post-LN self-attention block (the original Transformer encoder layer): a cross-attention layer whose
    context is the sequence itself."""

    def forward(self, x: Tensor, key_mask: Tensor | None = None) -> tuple[Tensor, Tensor]:  # type: ignore[override]
        return super().forward(x, x, key_mask)


class TransformerEncoder(nn.Module):
    """A stack of TransformerLayer; returns (x, [weights [B, H, N, N] per layer])."""

    def __init__(self, n_layers: int, d_model: int, n_heads: int, d_ff: int, dropout: float = 0.0):
        super().__init__()
        self.layers = nn.ModuleList(TransformerLayer(d_model, n_heads, d_ff, dropout) for _ in range(n_layers))

    def forward(self, x: Tensor, key_mask: Tensor | None = None) -> tuple[Tensor, list[Tensor]]:
        weights = []
        for layer in self.layers:
            x, w = layer(x, key_mask)
            weights.append(w)
        return x, weights
