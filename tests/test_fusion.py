"""Every registered fusion: one interface, correct shapes, blind to padding and to missing modalities."""
import pytest
import torch

from mmdemo.alignment import AlignedTokens, ModalityAligner
from mmdemo.configs import tiny_config
from mmdemo.fusion import FUSIONS, Fusion, FusionOutput, build_fusion, masked_mean, register_fusion

B, LT, LA = 4, 6, 5


def aligned(cfg, seed=0) -> AlignedTokens:
    """Sample 0: all three; 1: image only; 2: audio only; 3: text only with padding."""
    g = torch.Generator().manual_seed(seed)
    text_mask = torch.tensor([[1] * LT, [0] * LT, [0] * LT, [1, 1, 1, 0, 0, 0]], dtype=torch.bool)
    image_mask = torch.tensor([True, True, False, False])
    audio_mask = torch.tensor([[1] * LA, [0] * LA, [1, 1, 1, 0, 0], [0] * LA], dtype=torch.bool)
    aligner = ModalityAligner(cfg).eval()
    with torch.no_grad():
        return aligner(torch.randn(B, LT, cfg.text_dim, generator=g), text_mask,
                       torch.randn(B, 49, cfg.image_dim, generator=g), image_mask,
                       torch.randn(B, LA, cfg.audio_dim, generator=g), audio_mask)


def scramble_masked(tokens: AlignedTokens, seed=1) -> AlignedTokens:
    """Random values wherever the mask says 'not there'."""
    g = torch.Generator().manual_seed(seed)
    out = {}
    for m in ("text", "image", "audio"):
        x, mask = getattr(tokens, m), getattr(tokens, f"{m}_mask")
        out[m] = torch.where(mask[..., None], x, torch.randn(x.shape, generator=g) * 5)
        out[f"{m}_mask"] = mask
    return AlignedTokens(cls=tokens.cls, **out)


def test_registry_has_the_four_fusions():
    assert {"early", "late", "cross_attention", "attention"} <= set(FUSIONS)
    assert all(issubclass(cls, Fusion) and cls.name == name for name, cls in FUSIONS.items())
    with pytest.raises(KeyError):
        build_fusion("nope", tiny_config())
    with pytest.raises(ValueError):
        register_fusion("early")(type("Other", (Fusion,), {}))


def test_masked_mean_ignores_padding_and_gives_zero_when_empty():
    x = torch.tensor([[[1.0], [3.0], [100.0]], [[5.0], [5.0], [5.0]]])
    mask = torch.tensor([[True, True, False], [False, False, False]])
    torch.testing.assert_close(masked_mean(x, mask), torch.tensor([[2.0], [0.0]]))


@pytest.mark.parametrize("name", sorted(FUSIONS))
def test_shapes_and_attention_outputs(name):
    torch.manual_seed(0)
    cfg = tiny_config(name)
    fusion = build_fusion(name, cfg).eval()
    tokens = aligned(cfg)
    out = fusion(tokens, return_attention=True)
    assert isinstance(out, FusionOutput)
    assert out.joint.shape == (B, cfg.d_model) and torch.isfinite(out.joint).all()
    if name == "late":
        assert out.intent_logits.shape == (B, cfg.n_intents)
    else:
        assert out.intent_logits is None
    if name == "attention":
        n = 1 + LT + 49 + LA
        assert len(out.attentions) == cfg.n_layers
        assert all(w.shape == (B, cfg.n_heads, n, n) for w in out.attentions)
        assert out.segments == {"cls": (0, 1), "text": (1, 1 + LT), "image": (1 + LT, 1 + LT + 49),
                                "audio": (1 + LT + 49, n)}
        w = out.attentions[-1]
        torch.testing.assert_close(w.sum(-1), torch.ones_like(w.sum(-1)))
        assert (w[1, :, :, 1:1 + LT] == 0).all()           # image-only sample: no weight on text padding
        assert (w[2, :, :, 1 + LT:1 + LT + 49] == 0).all()  # audio-only sample: none on the missing image
    if name == "cross_attention":
        ti, ta = out.cross_attentions["text->image"], out.cross_attentions["text->audio"]
        assert ti.shape == (B, cfg.n_heads, 1 + LT, 49) and ta.shape == (B, cfg.n_heads, 1 + LT, LA)
        assert (ti[2:] == 0).all()           # samples 2, 3 have no image
        assert (ta[1] == 0).all() and (ta[3] == 0).all()
        assert len(out.cross_attention_layers["text->image"]) == cfg.n_layers
        assert out.segments == {"cls": (0, 1), "text": (1, 1 + LT)}
    # without return_attention nothing heavy is handed back
    quiet = fusion(tokens)
    assert quiet.attentions is None and quiet.cross_attentions is None
    torch.testing.assert_close(quiet.joint, out.joint)


@pytest.mark.parametrize("name", sorted(FUSIONS))
def test_blind_to_masked_values(name):
    torch.manual_seed(0)
    cfg = tiny_config(name)
    fusion = build_fusion(name, cfg).eval()
    tokens = aligned(cfg)
    a, b = fusion(tokens), fusion(scramble_masked(tokens))
    torch.testing.assert_close(a.joint, b.joint, atol=1e-5, rtol=1e-5)
    if a.intent_logits is not None:
        torch.testing.assert_close(a.intent_logits, b.intent_logits, atol=1e-5, rtol=1e-5)


def test_late_fusion_renormalises_over_present_modalities():
    torch.manual_seed(0)
    cfg = tiny_config("late")
    fusion = build_fusion("late", cfg).eval()
    with torch.no_grad():
        fusion.modality_logits.copy_(torch.tensor([0.5, -0.3, 1.0]))
    tokens = aligned(cfg)
    out = fusion(tokens)
    w = torch.softmax(fusion.modality_logits.detach(), 0)
    present = torch.tensor([[1, 1, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=torch.float32)
    expected_w = w * present / (w * present).sum(1, keepdim=True)
    torch.testing.assert_close(out.modality_weights, expected_w)
    torch.testing.assert_close(out.modality_weights.sum(1), torch.ones(B))
    probs = torch.stack([out.modality_probs[m] for m in ("text", "image", "audio")], 1)
    p = (expected_w[..., None] * probs).sum(1)
    torch.testing.assert_close(out.intent_logits, torch.log(p + fusion.eps))
    # a single present modality decides alone
    torch.testing.assert_close(out.intent_logits.exp()[1], out.modality_probs["image"][1], atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(out.intent_logits.exp()[3], out.modality_probs["text"][3], atol=1e-6, rtol=1e-5)
    # dropping the image of sample 0 renormalises over text + audio
    no_image = AlignedTokens(**{**tokens.__dict__, "image_mask": torch.zeros_like(tokens.image_mask)})
    out2 = fusion(no_image)
    w_ta = torch.stack([w[0], torch.tensor(0.0), w[2]]) / (w[0] + w[2])
    torch.testing.assert_close(out2.modality_weights[0], w_ta)
    torch.testing.assert_close(out2.intent_logits.exp()[0].sum(), torch.tensor(1.0), atol=1e-5, rtol=0)


def test_late_fusion_with_nothing_present_is_uniform():
    cfg = tiny_config("late")
    tokens = aligned(cfg)
    empty = AlignedTokens(cls=tokens.cls, text=tokens.text, text_mask=torch.zeros_like(tokens.text_mask),
                          image=tokens.image, image_mask=torch.zeros_like(tokens.image_mask),
                          audio=tokens.audio, audio_mask=torch.zeros_like(tokens.audio_mask))
    out = build_fusion("late", cfg).eval()(empty)
    torch.testing.assert_close(out.intent_logits.exp(), torch.full((B, cfg.n_intents), 1 / cfg.n_intents),
                               atol=1e-6, rtol=1e-5)


def test_early_fusion_uses_the_missing_embedding():
    cfg = tiny_config("early")
    fusion = build_fusion("early", cfg).eval()
    tokens = aligned(cfg)
    before = fusion(tokens).joint
    with torch.no_grad():
        fusion.missing[1] += 1.0            # the "no image" embedding: changes only samples without an image
    after = fusion(tokens).joint
    torch.testing.assert_close(before[:2], after[:2])
    assert not torch.allclose(before[2:], after[2:])
