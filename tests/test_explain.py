"""The explanation maths on random attention and a tiny random model (no checkpoints, no encoders)."""
import numpy as np
import pytest
import torch
from PIL import Image

from mmdemo.configs import tiny_config
from mmdemo.explain import (colormap, cross_relevancy, gradient_relevancy, image_overlay, relevancy_from, rollout,
                            word_scores)
from mmdemo.model import ModelInputs, MultimodalModel


def random_attention(layers=3, heads=4, n=9, seed=0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(layers, heads, n, n))
    a = np.exp(logits)
    return list(a / a.sum(-1, keepdims=True))


def test_rollout_rows_sum_to_one():
    roll = rollout(random_attention())
    assert roll.shape == (9, 9)
    np.testing.assert_allclose(roll.sum(-1), 1.0, atol=1e-9)
    assert (roll >= 0).all()


def test_rollout_of_identity_attention_is_identity():
    eye = [np.broadcast_to(np.eye(5), (2, 5, 5))] * 3
    np.testing.assert_allclose(rollout(eye), np.eye(5), atol=1e-12)


def test_rollout_one_layer_is_the_residual_mix():
    a = random_attention(layers=1, heads=2, n=4)
    expected = 0.5 * a[0].mean(0) + 0.5 * np.eye(4)
    np.testing.assert_allclose(rollout(a), expected / expected.sum(-1, keepdims=True), atol=1e-12)


def test_relevancy_rule_by_hand():
    a = random_attention(layers=2, heads=2, n=3, seed=1)
    g = [np.random.default_rng(2).normal(size=x.shape) for x in a]
    r = np.eye(3)
    for x, y in zip(a, g):
        r = r + np.clip(x * y, 0, None).mean(0) @ r
    np.testing.assert_allclose(relevancy_from(a, g), r, atol=1e-12)


def tiny_inputs(seed=0):
    torch.manual_seed(seed)
    return ModelInputs.collate([{"text_tokens": torch.randn(6, 384), "image_tokens": torch.randn(49, 1280),
                                 "audio_feats": torch.randn(40, 80)}])


def test_relevancy_on_tiny_attention_model():
    torch.manual_seed(0)
    model = MultimodalModel(tiny_config("attention")).eval()
    res = gradient_relevancy(model, tiny_inputs())
    n = 1 + 6 + 49 + 5                     # [CLS] + text + image + audio tokens (40 frames / 8)
    rel = res["relevancy"]
    assert rel.shape == (n, n)
    assert np.isfinite(rel).all() and (rel >= 0).all()
    assert rel[0, 1:].sum() > 0            # the gradient reaches the other tokens
    assert res["valid"].shape == (n,) and res["valid"].all()
    assert len(res["attentions"]) == model.config.n_layers
    assert 0 <= res["target"] < model.config.n_intents


def test_relevancy_with_missing_modalities_stays_finite():
    torch.manual_seed(0)
    model = MultimodalModel(tiny_config("attention")).eval()
    inputs = ModelInputs.collate([{"text_tokens": torch.randn(4, 384)}])
    res = gradient_relevancy(model, inputs)
    assert np.isfinite(res["relevancy"]).all() and (res["relevancy"] >= 0).all()
    assert res["valid"].sum() == 1 + 4     # image and audio are absent


def test_cross_relevancy_shapes():
    torch.manual_seed(0)
    model = MultimodalModel(tiny_config("cross_attention")).eval()
    res = cross_relevancy(model, tiny_inputs())
    assert res["text->image"]["relevancy"].shape == (7, 49)
    assert res["text->audio"]["attentions"].shape[-2:] == (7, 5)
    for branch in res.values():
        assert np.isfinite(branch["relevancy"]).all() and (branch["relevancy"] >= 0).all()


@pytest.mark.parametrize("size", [(224, 224), (320, 180), (17, 301)])
def test_overlay_keeps_the_image_size(size):
    img = Image.new("RGB", size, (120, 60, 200))
    out = image_overlay(img, np.random.default_rng(0).random(49))
    assert out.size == size and out.mode == "RGB"


def test_overlay_of_zero_scores_and_colormap_range():
    out = image_overlay(Image.new("RGB", (50, 40)), np.zeros(49))
    assert out.size == (50, 40)
    c = colormap(np.array([0.0, 0.5, 1.0, 7.0, np.nan]))
    assert c.dtype == np.uint8 and c.shape == (5, 3)


def test_word_scores_merge_pieces_and_skip_specials():
    words = word_scores(["[TXT]", "order", "123", "##45", "[SEP]"], [0.9, 0.2, 0.1, 0.4, 0.8])
    assert [w for w, s in words if s is not None] == ["order", "12345"]
    assert max(s for _, s in words if s is not None) == 1.0
