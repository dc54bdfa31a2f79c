"""Encoders: the packaged pretrained weights load offline, give tokens of the promised shapes, stay frozen;
the audio featurizer and the trainable audio encoder behave."""
import json
import math
import socket

import pytest
import torch
from PIL import Image

from mmdemo.encoders import AudioEncoder, AudioFeaturizer, ImageEncoder, TextEncoder


def _no_network(*args, **kwargs):
    raise AssertionError(f"an encoder tried to open a network connection: {args}")


@pytest.fixture(scope="module")
def encoders():
    """Load the real encoders once, offline, with sockets blocked: a download attempt fails the test."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        mp.setattr(socket.socket, "connect", _no_network)
        mp.setattr(socket, "create_connection", _no_network)
        yield TextEncoder(), ImageEncoder()


def sine(seconds=1.0, freq=440.0, amplitude=0.5, sr=16000):
    t = torch.arange(int(seconds * sr)) / sr
    return amplitude * torch.sin(2 * math.pi * freq * t)


# ------------------------------------------------------------------ text
def test_text_tokens(encoders):
    text, _ = encoders
    batch = text.tokenize(["my parcel arrived broken"], max_len=40)
    assert set(batch) == {"input_ids", "attention_mask"}
    with torch.no_grad():
        states = text(**batch)
    assert states.shape == (1, batch["input_ids"].shape[1], 384) and text.dim == 384
    assert text.model.config._attn_implementation == "eager"
    assert text.tokens(batch["input_ids"][0])[0] == "[CLS]"
    long = text.tokenize(["word " * 200], max_len=40)
    assert long["input_ids"].shape[1] == 40


def test_a_long_text_keeps_its_start_and_its_end(encoders):
    """The request often comes last in a long message: the cut keeps the first TEXT_HEAD_PIECES word pieces and
    the last ones, [SEP] included; texts that fit, alone or in a batch with a long one, are what the tokenizer
    makes of them with its own padding."""
    from mmdemo.encoders import TEXT_HEAD_PIECES

    text, _ = encoders
    story = "I bought a lamp for my sister in March and she loves the colour and the shape. " * 4
    long, short = story + "Could you please cancel order A-20931?", "cancel my order please"
    full = text.tokenizer(long)["input_ids"]
    batch = text.tokenize([long, short], max_len=40)
    ids, mask = batch["input_ids"], batch["attention_mask"]
    assert ids.shape == (2, 40) and int(mask[0].sum()) == 40 and len(full) > 60
    assert ids[0].tolist() == full[:TEXT_HEAD_PIECES] + full[-(40 - TEXT_HEAD_PIECES):]
    pieces = text.tokens(ids[0])
    assert pieces[0] == "[CLS]" and pieces[-1] == "[SEP]" and "cancel" in pieces[-12:]
    reference = text.tokenizer([short], padding=True, truncation=True, max_length=40, return_tensors="pt")
    n = int(reference["attention_mask"].sum())
    assert ids[1, :n].tolist() == reference["input_ids"][0].tolist() and int(mask[1].sum()) == n
    assert (ids[1, n:] == text.tokenizer.pad_token_id).all()


def test_text_encoder_frozen_and_top_layers(encoders):
    text, _ = encoders
    assert not any(p.requires_grad for p in text.parameters())
    text.train()
    assert not text.model.training                     # frozen: no dropout
    try:
        text.set_trainable_top_layers(1)
        trainable = {n.split(".")[2] for n, p in text.model.named_parameters() if p.requires_grad}
        assert trainable == {"5"}                      # encoder.layer.5 only
        assert text.layers[5].training and not text.layers[4].training
    finally:
        text.set_trainable_top_layers(0)
        text.eval()
    assert not any(p.requires_grad for p in text.parameters())


# ------------------------------------------------------------------ image
def test_image_tokens_and_preprocessing(encoders):
    _, image = encoders
    wide = Image.new("RGB", (300, 100), (255, 0, 0))
    seen = image.letterbox(wide)
    assert seen.size == (224, 224)
    assert seen.getpixel((112, 5)) == (128, 128, 128) and seen.getpixel((112, 112)) == (255, 0, 0)
    rgba = Image.new("RGBA", (50, 80), (0, 0, 0, 0))
    assert image.letterbox(rgba).getpixel((112, 112)) == (255, 255, 255)   # transparent -> white
    pixels = image.preprocess([wide, Image.new("L", (64, 64), 200)])
    assert pixels.shape == (2, 3, 224, 224)
    with torch.no_grad():
        tokens = image(pixels[:1])
        fmap = image.model.extract_features(pixels[:1])
    assert tokens.shape == (1, 49, 1280) and image.grid == (7, 7) and image.dim == 1280
    torch.testing.assert_close(tokens[0, 2 * 7 + 5], fmap[0, :, 2, 5])      # row-major


def test_a_larger_input_is_pooled_back_to_the_token_grid(encoders):
    """At 320 px the last map is 10x10; its tokens are that map average-pooled to 7x7 (same weights, no copy)."""
    _, image = encoders
    big = ImageEncoder(size=320)
    big.model = image.model                          # share the loaded weights
    photo = Image.new("RGB", (640, 400), (30, 120, 200))
    assert big.letterbox(photo).size == (320, 320)
    pixels = big.preprocess([photo])
    assert pixels.shape == (1, 3, 320, 320)
    with torch.no_grad():
        tokens = big(pixels)
        fmap = big.model.extract_features(pixels)
    assert fmap.shape[-2:] == (10, 10) and tokens.shape == (1, 49, 1280)
    # adaptive pooling 10 -> 7: output cell (i, j) averages rows floor(10i/7)..ceil(10(i+1)/7)-1, same for columns
    torch.testing.assert_close(tokens[0, 0], fmap[0, :, 0:2, 0:2].mean((1, 2)))
    torch.testing.assert_close(tokens[0, 6 * 7 + 6], fmap[0, :, 8:10, 8:10].mean((1, 2)))
    with pytest.raises(ValueError, match="multiple of 32"):
        ImageEncoder(size=300)


def test_folding_batchnorm_for_serving_keeps_the_tokens():
    """The serving encoder (BatchNorm folded into the convolutions, channels-last) against the library's own
    forward pass on the same photo-like input: same tokens up to float rounding."""
    reference, folded = ImageEncoder(size=320), ImageEncoder(size=320).fold_batchnorm()
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in folded.modules())
    photo = Image.effect_mandelbrot((500, 300), (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB")
    pixels = reference.preprocess([photo, photo.rotate(90, expand=True)])
    with torch.no_grad():
        want, got = reference(pixels), folded(pixels)
    assert got.shape == want.shape == (2, 49, 1280)
    torch.testing.assert_close(got, want, rtol=1e-3, atol=1e-3)
    with pytest.raises(RuntimeError, match="folded"):
        folded.set_trainable_top_layers(2)


def test_image_batchnorm_stays_in_eval(encoders):
    _, image = encoders
    try:
        image.train()
        bns = [m for m in image.modules() if isinstance(m, torch.nn.BatchNorm2d)]
        assert bns and not any(m.training for m in bns)
        image.set_trainable_top_layers(2)
        trainable = {n.split(".")[0] + ("." + n.split(".")[1] if n.startswith("_blocks") else "")
                     for n, p in image.model.named_parameters() if p.requires_grad}
        assert trainable == {"_blocks.14", "_blocks.15", "_conv_head", "_bn1"}
        assert not any(m.training for m in bns)
        assert image.model._blocks[15].training and not image.model._blocks[0].training
    finally:
        image.set_trainable_top_layers(0)
        image.eval()
    assert not any(p.requires_grad for p in image.parameters())


# ------------------------------------------------------------------ audio features
def test_fbank_of_one_second_sine():
    feats = AudioFeaturizer()(sine())
    assert feats.shape == (98, 80) and AudioFeaturizer.SAMPLE_RATE == 16000 and AudioFeaturizer.n_mels == 80
    assert torch.isfinite(feats).all()


def test_fbank_keeps_loudness_and_resamples():
    fz = AudioFeaturizer()
    noise = torch.randn(16000, generator=torch.Generator().manual_seed(0))
    quiet, loud = fz(0.01 * noise), fz(0.1 * noise)
    # no per-utterance normalisation: 20 dB louder = log(100) higher log-energy in every bin, scaled by STD
    torch.testing.assert_close(loud - quiet, torch.full_like(loud, math.log(100) / fz.STD), atol=1e-3, rtol=0)
    assert -3 < loud.mean() < 3 and -3 < quiet.mean() < 3
    at_8k = fz(sine(sr=8000), sample_rate=8000)
    assert at_8k.shape == (98, 80)
    assert fz(torch.zeros(100)).shape == (1, 80)          # shorter than a window: one frame
    assert fz(torch.stack([sine(), sine()])).shape == (98, 80)   # stereo -> mono


# ------------------------------------------------------------------ audio encoder
@pytest.mark.parametrize("lstm", [True, False])
def test_audio_encoder_subsamples_and_masks(lstm):
    torch.manual_seed(0)
    enc = AudioEncoder(dim=32, lstm=lstm, max_tokens=64).eval()
    assert enc.token_seconds == pytest.approx(0.08)
    feats = torch.randn(3, 400, 80)
    mask = torch.zeros(3, 400, dtype=torch.bool)
    mask[0, :400], mask[1, :97], mask[2, :0] = True, True, False
    tokens, tmask = enc(feats, mask)
    assert tokens.shape == (3, 50, 32)
    assert tmask.sum(1).tolist() == [50, 13, 0]           # ceil(n/8)
    assert enc.output_lengths(torch.tensor([400, 97, 0])).tolist() == [50, 13, 0]
    assert (tokens[~tmask] == 0).all()
    # the middle sample alone, unpadded, gives the same tokens: padding never leaks in
    alone, _ = enc(feats[1:2, :97])
    torch.testing.assert_close(alone[0], tokens[1, :13], atol=1e-5, rtol=1e-4)


def test_audio_encoder_pools_long_clips_per_sample():
    enc = AudioEncoder(dim=16, lstm=False, max_tokens=64).eval()
    feats = torch.randn(2, 2000, 80)                      # 20 s -> 250 tokens before pooling
    mask = torch.ones(2, 2000, dtype=torch.bool)
    mask[1, 300:] = False                                 # 3 s -> 38 tokens, not pooled
    tokens, tmask = enc(feats, mask)
    assert tokens.shape == (2, 64, 16) and tmask.sum(1).tolist() == [64, 38]
    assert enc.seconds_per_token(2000) == pytest.approx(250 * 0.08 / 64)
    assert enc.seconds_per_token(300) == pytest.approx(0.08)
    short, _ = enc(feats[1:2, :300])
    torch.testing.assert_close(short[0], tokens[1, :38], atol=1e-5, rtol=1e-4)


# ------------------------------------------------------------------ LoRA adapters of the text encoder
def test_lora_linear_starts_at_its_base_and_merges_exactly():
    from mmdemo.encoders import LoRALinear

    torch.manual_seed(0)
    base = torch.nn.Linear(12, 20)
    lora = LoRALinear(base, rank=3)
    x = torch.randn(5, 12)
    assert torch.equal(lora(x), base(x))                      # B = 0: exactly the pretrained layer at the start
    assert [n for n, p in lora.named_parameters() if p.requires_grad] == ["lora_a", "lora_b"]
    with torch.no_grad():
        lora.lora_b.normal_()
    reference = base(x) + lora.scale * (x @ (lora.lora_b @ lora.lora_a).T)   # W + (alpha/r) B A
    torch.testing.assert_close(lora(x), reference)
    torch.testing.assert_close(lora.merged()(x), reference, atol=1e-5, rtol=1e-5)


def test_text_adapter_saves_loads_and_merges(encoders, tmp_path):
    from mmdemo.encoders import LORA_TARGETS, adapter_fingerprint

    plain, _ = encoders
    adapted = TextEncoder()
    adapted.add_lora(rank=4, seed=1)
    trainable = [n for n, p in adapted.named_parameters() if p.requires_grad]
    assert len(trainable) == 2 * len(LORA_TARGETS) * 6 and all(n.endswith(("lora_a", "lora_b")) for n in trainable)
    with torch.no_grad():
        for name, p in adapted.named_parameters():
            if name.endswith("lora_b"):
                p.normal_(std=0.02)
    folder = adapted.save_adapter(tmp_path / "adapter", note="test")
    batch = plain.tokenize(["my parcel arrived broken", "where is my order"], max_len=40)
    with torch.no_grad():
        live, reloaded, base = adapted(**batch), TextEncoder(adapter=folder)(**batch), plain(**batch)
    torch.testing.assert_close(reloaded, live, atol=2e-4, rtol=1e-4)   # merged weights = the live adapter
    assert (live - base).abs().max() > 1e-2                              # and the adapter does change the states
    loaded = TextEncoder(adapter=folder)
    assert loaded.adapter_id == adapter_fingerprint(folder) and plain.adapter_id is None
    assert not any(p.requires_grad for p in loaded.parameters())


# ------------------------------------------------------------------ the fine-tuned top of the image encoder
def test_image_top_runs_on_cached_block_inputs_as_the_whole_encoder_does():
    from mmdemo.encoders import ImageEncoder

    enc = ImageEncoder(size=64).eval()
    pixels = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        net = enc.model   # the reference: stem and all blocks but the last three, by hand
        x = net._swish(net._bn0(net._conv_stem(pixels)))
        for block in list(net._blocks)[:-3]:
            x = block(x)
        torch.testing.assert_close(enc.block_inputs(pixels, 3), x.flatten(2).transpose(1, 2))
        torch.testing.assert_close(enc.forward_top(enc.block_inputs(pixels, 3), 3), enc(pixels))


def test_image_top_saves_and_loads(tmp_path):
    from mmdemo.encoders import IMAGE_TOP_CONFIG, ImageEncoder, image_top_fingerprint

    tuned = ImageEncoder(size=64).eval()
    with torch.no_grad():   # stand-in for fine-tuning: move the last two blocks and the head conv
        gen = torch.Generator().manual_seed(0)
        for module in [*list(tuned.model._blocks)[-2:], tuned.model._conv_head]:
            for p in module.parameters():
                p.add_(0.05 * torch.randn(p.shape, generator=gen))
    folder = tuned.save_top(tmp_path / "top", 2)
    with torch.no_grad():   # the top is stored in float16: round the live weights the same way to compare
        for module in [*list(tuned.model._blocks)[-2:], tuned.model._conv_head, tuned.model._bn1]:
            for t in [*module.parameters(), *module.buffers()]:
                if t.is_floating_point():
                    t.copy_(t.half().float())
    pixels = torch.randn(1, 3, 64, 64)
    loaded, plain = ImageEncoder(size=64, top=folder).eval(), ImageEncoder(size=64).eval()
    with torch.no_grad():
        torch.testing.assert_close(loaded(pixels), tuned(pixels))
        assert (loaded(pixels) - plain(pixels)).abs().max() > 0.1
    assert loaded.top_id == image_top_fingerprint(folder) and plain.top_id is None
    cfg = json.loads((folder / IMAGE_TOP_CONFIG).read_text())
    (folder / IMAGE_TOP_CONFIG).write_text(json.dumps({**cfg, "n_blocks": 3}))
    with pytest.raises(ValueError, match="does not match"):
        ImageEncoder(size=64, top=folder)


# ------------------------------------------------------------------ surface cues (what the uncased tokenizer drops)
def test_surface_cues_see_capitals_and_emoji_that_word_pieces_lose():
    from mmdemo.encoders import SURFACE_CUES, surface_cues

    assert surface_cues("") == surface_cues(None) == [0.0] * len(SURFACE_CUES)
    calm = surface_cues("where is my parcel, it's been a week")
    assert calm == [0.0] * len(SURFACE_CUES)
    shouted = surface_cues("WHERE IS MY PARCEL, it's been a week")
    assert shouted[0] == pytest.approx(len("WHEREISMYPARCEL") / len("WHEREISMYPARCELitsbeenaweek"))
    assert shouted[1] == pytest.approx(math.log1p(2))              # WHERE, PARCEL (IS, MY: under three letters)
    assert surface_cues("I asked for a VAT copy")[1] == pytest.approx(math.log1p(1))   # "I" is no shouting
    angry, friendly = surface_cues("thanks \U0001F621\U0001F621"), surface_cues("thanks! \U0001F642")
    assert angry[2] == pytest.approx(math.log1p(2)) and angry[3] == 0.0
    assert friendly[3] == pytest.approx(math.log1p(1)) and friendly[2] == 0.0
