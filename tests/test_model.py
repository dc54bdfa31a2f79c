"""MultimodalModel on tiny random configs: every fusion x every modality mix, masks, save/load, training."""
import dataclasses
import json

import pytest
import torch

from mmdemo.configs import FUSION_NAMES, MODEL_CONFIGS, ModelConfig, get_config, tiny_config
from mmdemo.fusion import FUSIONS
from mmdemo.model import ModelInputs, MultimodalModel
from mmdemo.schema import IMAGE_KIND_LABELS, INTENTS, TONES

MIXES = {  # name -> (text, image, audio)
    "text": (1, 0, 0), "image": (0, 1, 0), "audio": (0, 0, 1), "text+image": (1, 1, 0),
    "text+audio": (1, 0, 1), "image+audio": (0, 1, 1), "all": (1, 1, 1),
}


def sample(text=True, image=True, audio=True, lt=5, ta=60, g=None) -> dict:
    g = g or torch.Generator().manual_seed(0)
    return {"text_tokens": torch.randn(lt, 384, generator=g) if text else None,
            "image_tokens": torch.rand(49, 1280, generator=g) * 6 if image else None,
            "audio_feats": torch.randn(ta, 80, generator=g) if audio else None}


def mixed_batch(seed=0) -> list[dict]:
    g = torch.Generator().manual_seed(seed)
    return [sample(*flags, lt=3 + i, ta=40 + 50 * i, g=g) for i, flags in enumerate(MIXES.values())]


def build(name, seed=0, **kw) -> MultimodalModel:
    torch.manual_seed(seed)
    return MultimodalModel(tiny_config(name, **kw)).eval()


def assert_same_output(a, b, atol=1e-5):
    for field in ("intent_logits", "image_kind_logits", "tone_logits"):
        torch.testing.assert_close(getattr(a, field), getattr(b, field), atol=atol, rtol=1e-5)


# ------------------------------------------------------------------ configs
def test_named_configs():
    assert set(FUSION_NAMES) == {"early", "late", "cross_attention", "attention"} <= set(FUSIONS)
    for name in FUSION_NAMES:
        assert MODEL_CONFIGS[name].fusion == name and MODEL_CONFIGS[f"{name}-tiny"].fusion == name
    cfg = MODEL_CONFIGS["attention"]
    assert (cfg.n_intents, cfg.n_image_kinds, cfg.n_tones) == (len(INTENTS), len(IMAGE_KIND_LABELS), len(TONES))
    assert ModelConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    copy = get_config("attention", d_model=64)
    assert copy.d_model == 64 and MODEL_CONFIGS["attention"].d_model == 128
    with pytest.warns(UserWarning):
        assert ModelConfig.from_dict({**cfg.to_dict(), "from_the_future": 1}) == cfg


# ------------------------------------------------------------------ collate
def test_collate_pads_and_masks():
    batch = ModelInputs.collate([sample(lt=3, ta=50), sample(text=False, image=False, ta=80),
                                 sample(audio=False, lt=7), {"text_tokens": torch.zeros(0, 384)}])
    assert batch.text_tokens.shape == (4, 7, 384) and batch.image_tokens.shape == (4, 49, 1280)
    assert batch.audio_feats.shape == (4, 80, 80)
    assert batch.text_mask.sum(1).tolist() == [3, 0, 7, 0]      # empty text counts as absent
    assert batch.image_mask.tolist() == [True, False, True, False]
    assert batch.audio_mask.sum(1).tolist() == [50, 80, 0, 0]
    none = ModelInputs.collate([sample(False, False, False)])
    assert none.text_tokens.shape == (1, 1, 384) and not none.text_mask.any()


# ------------------------------------------------------------------ forward
@pytest.mark.parametrize("name", sorted(FUSIONS))
def test_every_modality_mix(name):
    model = build(name)
    cfg = model.config
    batch = ModelInputs.collate(mixed_batch())
    out = model(batch, return_attention=True)
    b = len(MIXES)
    assert out.intent_logits.shape == (b, cfg.n_intents)
    assert out.image_kind_logits.shape == (b, cfg.n_image_kinds)
    assert out.tone_logits.shape == (b, cfg.n_tones)
    for t in (out.intent_logits, out.image_kind_logits, out.tone_logits, out.fusion.joint):
        assert torch.isfinite(t).all()
    # one sample alone gives what it gives inside the padded batch (padding is invisible)
    for i, s in enumerate(mixed_batch()):
        alone = model(ModelInputs.collate([s]))
        torch.testing.assert_close(alone.intent_logits[0], out.intent_logits[i], atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(alone.tone_logits[0], out.tone_logits[i], atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("name", sorted(FUSIONS))
def test_padding_and_missing_values_do_not_matter(name):
    model = build(name)
    batch = ModelInputs.collate(mixed_batch())
    g = torch.Generator().manual_seed(3)
    noisy = dataclasses.replace(
        batch,
        text_tokens=torch.where(batch.text_mask[..., None], batch.text_tokens,
                                torch.randn(batch.text_tokens.shape, generator=g) * 10),
        image_tokens=torch.where(batch.image_mask[:, None, None], batch.image_tokens,
                                 torch.randn(batch.image_tokens.shape, generator=g) * 10),
        audio_feats=torch.where(batch.audio_mask[..., None], batch.audio_feats,
                                torch.randn(batch.audio_feats.shape, generator=g) * 10))
    assert_same_output(model(batch), model(noisy))


def test_long_audio_is_pooled_to_max_tokens():
    model = build("attention")
    out = model(ModelInputs.collate([sample(ta=2000)]), return_attention=True)   # 20 s -> 250 tokens
    start, end = out.fusion.segments["audio"]
    assert end - start == model.config.max_audio_tokens == out.aligned.audio_mask.sum()


# ------------------------------------------------------------------ persistence / determinism
@pytest.mark.parametrize("name", sorted(FUSIONS))
def test_save_load_round_trip(name, tmp_path):
    model = build(name)
    model.temperature.fill_(1.7)
    batch = ModelInputs.collate(mixed_batch())
    model.save_pretrained(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"config.json", "model.safetensors"}
    loaded = MultimodalModel.from_pretrained(tmp_path)
    assert loaded.config == model.config and not loaded.training
    assert loaded.temperature.item() == pytest.approx(1.7)
    out_a, out_b = model(batch), loaded(batch)
    for field in ("intent_logits", "image_kind_logits", "tone_logits"):
        assert torch.equal(getattr(out_a, field), getattr(out_b, field))


@pytest.mark.parametrize("name", sorted(FUSIONS))
def test_default_checkpoint_under_10_mb(name, tmp_path):
    model = MultimodalModel(MODEL_CONFIGS[name])
    model.save_pretrained(tmp_path)
    size = (tmp_path / "model.safetensors").stat().st_size
    assert size < 10 * 2 ** 20
    assert size == pytest.approx(4 * model.num_parameters() + 4, rel=0.02)   # fp32 + the temperature


def test_late_fusion_has_no_intent_head():
    assert build("late").intent_head is None and build("attention").intent_head is not None


@pytest.mark.parametrize("name", sorted(FUSIONS))
def test_seeded_construction_and_training_mode_are_deterministic(name):
    batch = ModelInputs.collate(mixed_batch())
    outs = []
    for _ in range(2):
        model = build(name, seed=123).train()
        torch.manual_seed(7)                     # dropout masks
        outs.append(model(batch))
    assert_same_output(*outs, atol=0)


def test_every_parameter_gets_a_gradient():
    """DistributedDataParallel fails on parameters that never receive a gradient."""
    batch = ModelInputs.collate(mixed_batch())
    for name in FUSIONS:
        model = build(name).train()
        out = model(batch)
        (out.intent_logits.sum() + out.image_kind_logits.sum() + out.tone_logits.sum()).backward()
        missing = [n for n, p in model.named_parameters() if p.grad is None]
        assert not missing, (name, missing)


# ------------------------------------------------------------------ learning
def synthetic(n, g, protos_text, protos_image, pointer):
    """Half the samples carry the class in the text (no image), half in the image with an uninformative
    "see attached" text; a third get irrelevant audio. 4 classes."""
    samples, labels = [], []
    for i in range(n):
        y = int(torch.randint(0, 4, (1,), generator=g))
        lt = int(torch.randint(3, 10, (1,), generator=g))
        by_image = i % 2 == 1
        text = (pointer if by_image else protos_text[y]) + 3.0 * torch.randn(lt, 384, generator=g)
        image = (protos_image[y] + 3.0 * torch.randn(49, 1280, generator=g)) if by_image else None
        audio = torch.randn(int(torch.randint(30, 120, (1,), generator=g)), 80, generator=g) if i % 3 == 0 else None
        samples.append({"text_tokens": text, "image_tokens": image, "audio_feats": audio})
        labels.append(y)
    return samples, torch.tensor(labels)


@pytest.mark.parametrize("name", sorted(FUSIONS))
def test_each_fusion_learns_synthetic_task(name):
    g = torch.Generator().manual_seed(0)
    protos_text, protos_image, pointer = torch.randn(4, 384, generator=g), torch.randn(4, 1280, generator=g), \
        torch.randn(384, generator=g)
    train_x, train_y = synthetic(200, g, protos_text, protos_image, pointer)
    test_x, test_y = synthetic(100, g, protos_text, protos_image, pointer)
    model = build(name, audio_lstm=False).train()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    batches = [ModelInputs.collate(train_x[i:i + 25]) for i in range(0, 200, 25)]
    for step in range(60):
        j = step % len(batches)
        out = model(batches[j])
        loss = torch.nn.functional.cross_entropy(out.intent_logits, train_y[j * 25:(j + 1) * 25])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        pred = model(ModelInputs.collate(test_x)).intent_logits.argmax(-1)
    by_text, by_image = (pred == test_y)[0::2].float().mean(), (pred == test_y)[1::2].float().mean()
    assert by_text > 0.6 and by_image > 0.6, (name, by_text.item(), by_image.item())   # chance = 0.25


# ------------------------------------------------------------------ a tone head that reads the words (adapt_tone)
@pytest.mark.parametrize("name", sorted(FUSIONS))
def test_tone_reading_the_words_changes_only_the_tone(name, tmp_path):
    from mmdemo.encoders import SURFACE_CUES

    model = build(name, tone_reads_text=True)
    torch.nn.init.normal_(model.tone_head[0].weight)    # make sure the new columns are not zero
    samples = mixed_batch()
    plain = ModelInputs.collate(samples)
    assert plain.text_cues is None
    zeros = ModelInputs.collate([dict(s, text_cues=[0.0] * len(SURFACE_CUES)) for s in samples])
    cued = ModelInputs.collate([dict(s, text_cues=[0.9, 1.1, 0.7, 0.0]) for s in samples])
    out_plain, out_zeros, out_cued = model(plain), model(zeros), model(cued)
    assert_same_output(out_plain, out_zeros)                       # no cues given = zero cues
    torch.testing.assert_close(out_cued.intent_logits, out_plain.intent_logits)
    torch.testing.assert_close(out_cued.image_kind_logits, out_plain.image_kind_logits)
    assert not torch.allclose(out_cued.tone_logits, out_plain.tone_logits)
    other_words = ModelInputs.collate([dict(s, text_tokens=None if s["text_tokens"] is None else
                                            s["text_tokens"] + 1.0) for s in samples])
    assert model.tone_input(model(other_words).fusion.joint, other_words).shape[-1] == \
        model.config.d_model + model.config.text_dim + len(SURFACE_CUES)
    model.save_pretrained(tmp_path)
    loaded = MultimodalModel.from_pretrained(tmp_path)
    assert loaded.config.tone_reads_text
    assert torch.equal(loaded(cued).tone_logits, out_cued.tone_logits)
