"""mmdemo.adapt_tone: a refitted tone head starts where the trained one is, learns from the surface cues, and
leaves everything else of the model as it was."""
from __future__ import annotations

import random

import pytest
import torch

from mmdemo.adapt_tone import fused_vectors, reading_model, refit, tone_texts
from mmdemo.configs import tiny_config
from mmdemo.encoders import SURFACE_CUES
from mmdemo.fusion import FUSIONS
from mmdemo.model import ModelInputs, MultimodalModel
from mmdemo.schema import TONES


def _items(n: int, seed: int, where: str = "cues") -> list[dict]:
    """Text-only items whose tone is only in the capital share (where="cues": every text reads the same) or only
    in the words (where="words": the angry texts' states lean one way; no cues)."""
    g, rng = torch.Generator().manual_seed(seed), random.Random(seed)
    fixed = torch.Generator().manual_seed(99)
    base, lean = torch.randn(6, 384, generator=fixed), torch.randn(384, generator=fixed)
    items = []
    for _ in range(n):
        angry = rng.random() < 0.5
        if where == "cues":
            tokens, cues = base, [rng.uniform(0.5, 1.0) if angry else 0.0, 0.0, 0.0, 0.0]
        else:
            tokens, cues = base + 0.3 * torch.randn(6, 384, generator=g) + 0.1 * (lean if angry else -lean), None
        items.append({"text_tokens": tokens, "image_tokens": None, "audio_feats": None, "text_cues": cues,
                      "tone": int(angry)})
    return items


@pytest.mark.parametrize("name", sorted(FUSIONS))
def test_the_reading_head_starts_as_the_trained_head(name):
    torch.manual_seed(0)
    model = MultimodalModel(tiny_config(name)).eval()
    new = reading_model(model)
    assert new.config.tone_reads_text and not model.config.tone_reads_text
    batch = ModelInputs.collate([dict(it, text_cues=[0.5, 1.0, 0.7, 0.0]) for it in _items(6, 0)])
    before, after = model(batch), new(batch)
    torch.testing.assert_close(after.tone_logits, before.tone_logits)
    assert torch.equal(after.intent_logits, before.intent_logits)


@pytest.mark.parametrize("where", ["cues", "words"])
def test_refit_learns_the_words_and_the_cues_and_keeps_everything_else(where):
    torch.manual_seed(0)
    model = MultimodalModel(tiny_config("attention")).eval()
    train, val = _items(400, 1, where), _items(100, 2, where)
    refitted, log = refit(model, train, val, epochs=20, lr=3e-3, batch_size=64, seed=0)
    assert refitted.config.tone_reads_text and not model.config.tone_reads_text
    assert log["val_tone_after"] > 0.9 and log["val_tone_after"] > log["val_tone_before"]
    batch = ModelInputs.collate(val[:8])
    before, after = model(batch), refitted(batch)
    assert torch.equal(before.intent_logits, after.intent_logits)
    assert torch.equal(before.image_kind_logits, after.image_kind_logits)
    torch.testing.assert_close(fused_vectors(refitted, val[:8]), fused_vectors(model, val[:8]))
    same = {k for k in model.state_dict() if not k.startswith("tone_")}
    assert all(torch.equal(model.state_dict()[k], refitted.state_dict()[k]) for k in same)


def test_tone_texts_alternate_tones_and_repeat_with_the_seed():
    rows = tone_texts(28, seed=3)
    assert [r["tone"] for r in rows[:4]] == [0, 1, 0, 1] and len(TONES) == 2
    assert rows == tone_texts(28, seed=3) and rows != tone_texts(28, seed=4)
