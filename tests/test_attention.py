"""The hand-written attention must equal torch's reference modules with copied weights (litgpt style)."""
import math

import pytest
import torch
from torch import nn

from mmdemo.attention import (CrossAttentionLayer, FeedForward, MultiHeadAttention, TransformerEncoder,
                              TransformerLayer, scaled_dot_product_attention)

D, H, DFF = 16, 4, 32


def reference_mha(mha: MultiHeadAttention) -> nn.MultiheadAttention:
    ref = nn.MultiheadAttention(mha.d_model, mha.n_heads, batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(torch.cat([mha.w_q.weight, mha.w_k.weight, mha.w_v.weight]))
        ref.in_proj_bias.copy_(torch.cat([mha.w_q.bias, mha.w_k.bias, mha.w_v.bias]))
        ref.out_proj.weight.copy_(mha.w_o.weight)
        ref.out_proj.bias.copy_(mha.w_o.bias)
    return ref.eval()


def copy_ffn_and_norms(ours: CrossAttentionLayer, linear1, linear2, norm1, norm2) -> None:
    with torch.no_grad():
        linear1.weight.copy_(ours.ffn.linear1.weight), linear1.bias.copy_(ours.ffn.linear1.bias)
        linear2.weight.copy_(ours.ffn.linear2.weight), linear2.bias.copy_(ours.ffn.linear2.bias)
        for src, dst in ((ours.norm1, norm1), (ours.norm2, norm2)):
            dst.weight.copy_(src.weight), dst.bias.copy_(src.bias)


@pytest.fixture
def qkv():
    torch.manual_seed(0)
    return torch.randn(3, 5, D), torch.randn(3, 7, D), torch.randn(3, 7, D)


def test_sdpa_matches_formula_and_torch():
    torch.manual_seed(0)
    q, k, v = torch.randn(2, 3, 4, 8), torch.randn(2, 3, 6, 8), torch.randn(2, 3, 6, 8)
    out, w = scaled_dot_product_attention(q, k, v)
    manual = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(8), dim=-1)
    torch.testing.assert_close(w, manual)
    torch.testing.assert_close(out, manual @ v)
    torch.testing.assert_close(out, nn.functional.scaled_dot_product_attention(q, k, v), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("masked", [False, True])
def test_mha_matches_torch(qkv, masked):
    q, k, v = qkv
    mha = MultiHeadAttention(D, H).eval()
    ref = reference_mha(mha)
    key_mask = torch.ones(3, 7, dtype=torch.bool)
    if masked:
        key_mask[0, 5:] = False
        key_mask[2, :3] = False
    out, w = mha(q, k, v, key_mask if masked else None)
    pad = ~key_mask if masked else None
    ref_out, ref_w = ref(q, k, v, key_padding_mask=pad, need_weights=True, average_attn_weights=True)
    _, ref_heads = ref(q, k, v, key_padding_mask=pad, need_weights=True, average_attn_weights=False)
    assert w.shape == (3, H, 5, 7)
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w, ref_heads, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w.mean(dim=1), ref_w, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w.sum(-1), torch.ones(3, H, 5), atol=1e-5, rtol=1e-5)
    if masked:
        assert (w[0, :, :, 5:] == 0).all() and (w[2, :, :, :3] == 0).all()


def test_all_masked_rows_are_zero_and_finite(qkv):
    q, k, v = qkv
    mha = MultiHeadAttention(D, H).eval()
    q.requires_grad_(True)
    key_mask = torch.ones(3, 7, dtype=torch.bool)
    key_mask[1] = False                                  # sample 1 has no keys at all (a missing modality)
    out, w = mha(q, k, v, key_mask)
    assert torch.isfinite(out).all() and torch.isfinite(w).all()
    assert (w[1] == 0).all()
    torch.testing.assert_close(out[1], mha.w_o.bias.expand(5, D))   # zero context -> only W_o's bias
    out.sum().backward()
    assert torch.isfinite(q.grad).all()


def test_weights_stay_on_the_graph(qkv):
    """The explainer differentiates the prediction with respect to the attention weights."""
    q, k, v = qkv
    out, w = MultiHeadAttention(D, H).eval()(q, k, v)
    assert w.requires_grad
    (grad,) = torch.autograd.grad(out.pow(2).sum(), w)
    assert grad.shape == w.shape and grad.abs().sum() > 0


def test_feedforward_is_linear_relu_linear():
    ffn = FeedForward(D, DFF).eval()
    x = torch.randn(2, 3, D)
    torch.testing.assert_close(ffn(x), ffn.linear2(torch.relu(ffn.linear1(x))))


@pytest.mark.parametrize("masked", [False, True])
def test_transformer_layer_matches_torch_encoder_layer(masked):
    torch.manual_seed(0)
    ours = TransformerLayer(D, H, DFF, dropout=0.1).eval()
    ref = nn.TransformerEncoderLayer(D, H, DFF, dropout=0.1, activation="relu", batch_first=True,
                                     norm_first=False).eval()
    ref.self_attn = reference_mha(ours.attn)
    copy_ffn_and_norms(ours, ref.linear1, ref.linear2, ref.norm1, ref.norm2)
    x = torch.randn(3, 6, D)
    key_mask = torch.ones(3, 6, dtype=torch.bool)
    key_mask[0, 4:] = False
    # grad enabled + parameters requiring grad keep torch on its plain (non fast-path) implementation
    out, w = ours(x, key_mask if masked else None)
    ref_out = ref(x, src_key_padding_mask=~key_mask if masked else None)
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-5)
    assert w.shape == (3, H, 6, 6)


def test_cross_attention_layer_matches_manual_composition():
    torch.manual_seed(0)
    ours = CrossAttentionLayer(D, H, DFF).eval()
    ref_attn = reference_mha(ours.attn)
    lin1, lin2, n1, n2 = nn.Linear(D, DFF), nn.Linear(DFF, D), nn.LayerNorm(D), nn.LayerNorm(D)
    copy_ffn_and_norms(ours, lin1, lin2, n1, n2)
    x, ctx = torch.randn(2, 4, D), torch.randn(2, 9, D)
    ctx_mask = torch.ones(2, 9, dtype=torch.bool)
    ctx_mask[1, 3:] = False
    out, w = ours(x, ctx, ctx_mask)
    a, ref_w = ref_attn(x, ctx, ctx, key_padding_mask=~ctx_mask, average_attn_weights=False)
    h = n1(x + a)
    ref_out = n2(h + lin2(torch.relu(lin1(h))))
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w, ref_w, atol=1e-5, rtol=1e-5)


def test_encoder_returns_weights_per_layer():
    enc = TransformerEncoder(3, D, H, DFF).eval()
    x = torch.randn(2, 5, D)
    out, weights = enc(x)
    assert out.shape == x.shape and len(weights) == 3 and all(w.shape == (2, H, 5, 5) for w in weights)
