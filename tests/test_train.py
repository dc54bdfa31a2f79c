"""Training on the tiny build: checkpoints and logs are written, and the loop really runs on two processes."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import torch

from mmdemo.model import MultimodalModel

ROOT = Path(__file__).resolve().parent.parent
FUSIONS = ("early", "late", "cross_attention", "attention")


def test_all_fusions_train_save_and_log(tiny_checkpoints):
    for fusion in FUSIONS:
        folder = tiny_checkpoints / fusion
        assert (folder / "model.safetensors").stat().st_size < 10 * 2**20
        log = json.loads((folder / "training_log.json").read_text())
        assert log["steps"] and log["epochs"] and log["temperature"] > 0
        assert log["epochs"][-1]["train_loss"] < log["steps"][0]["loss"]  # the loss went down
        model = MultimodalModel.from_pretrained(folder)
        assert model.config.fusion == fusion
        assert abs(float(model.temperature) - log["temperature"]) < 1e-3


def test_swap_image_keeps_every_label_and_the_photo_kind():
    import random

    import torch

    from mmdemo.train import images_by_kind, swap_image

    photo = lambda v: torch.full((49, 8), float(v))
    items = [{"image_tokens": photo(k * 10 + i), "image_kind": k, "intent": 5, "tone": 1, "rule": "R1"}
             for k in (2, 3) for i in range(4)]
    bank = images_by_kind(items + [{"image_tokens": None, "image_kind": 6}])
    assert sorted(bank) == [2, 3] and all(len(v) == 4 for v in bank.values())
    rng = random.Random(0)
    swapped = [swap_image(it, bank, rng, 1.0) for it in items for _ in range(20)]
    for it, new in zip([it for it in items for _ in range(20)], swapped):
        assert {k: new[k] for k in ("image_kind", "intent", "tone", "rule")} == \
               {k: it[k] for k in ("image_kind", "intent", "tone", "rule")}
        assert int(new["image_tokens"][0, 0]) // 10 == it["image_kind"]   # a photo of the same kind
    assert any(not torch.equal(a["image_tokens"], b["image_tokens"]) for a, b in
               zip([it for it in items for _ in range(20)], swapped))
    assert all(swap_image(it, bank, rng, 0.0) is it for it in items)
    no_photo = {"image_tokens": None, "image_kind": 6}
    assert swap_image(no_photo, bank, rng, 1.0) is no_photo


def test_training_used_the_photo_bank(tiny_data, tiny_checkpoints):
    """Swapping draws from every training sample's photo and every photo of train/photos.jsonl."""
    rows = lambda name: [json.loads(line) for line in (tiny_data / "train" / name).read_text().splitlines()]
    with_photo = sum(1 for r in rows("manifest.jsonl") if r["image"])
    for fusion in FUSIONS:
        log = json.loads((tiny_checkpoints / fusion / "training_log.json").read_text())
        assert log["swap_images"] == 0.5
        assert log["bank_photos"] == with_photo + len(rows("photos.jsonl"))


def test_parallel_jobs_show_every_epoch_as_it_ends(tiny_checkpoints):
    """`--jobs 2` runs each strategy in its own process; their per-epoch lines still reach the person running it."""
    printed = (tiny_checkpoints / "train_stdout.txt").read_text().splitlines()
    for fusion in FUSIONS:
        epochs = [line for line in printed if line.startswith(f"[{fusion}] epoch ")]
        log = json.loads((tiny_checkpoints / fusion / "training_log.json").read_text())
        assert len(epochs) == len(log["epochs"]) >= 1
        assert any(line.startswith(f"[{fusion}] best val acc") for line in printed)
    assert not any("it/s" in line for line in printed)   # no progress bars mixed in


def test_accelerate_launch_runs_two_processes(tiny_data, tiny_checkpoints, tmp_path):
    """The same script under `accelerate launch` with two CPU (gloo) processes: world size 2 in its log.

    `--cpu` would make accelerate's simple launcher start ONE process; `--multi_gpu` starts two through
    torchrun, and the script's Accelerator(cpu=True) then joins them over gloo on the CPU."""
    accelerate = shutil.which("accelerate", path=str(Path(sys.executable).parent))
    assert accelerate, "accelerate CLI missing from the venv"
    out = tmp_path / "ddp"
    proc = subprocess.run(
        [accelerate, "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no",
         "--dynamo_backend", "no", "-m", "mmdemo.train", "--fusion", "early", "--data", str(tiny_data), "--out",
         str(out), "--cache-dir", str(tiny_data / "cache"), "--epochs", "1", "--batch-size", "8",
         "--config", '{"d_model": 32, "d_ff": 64, "audio_dim": 32}'],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    log = json.loads((out / "early" / "training_log.json").read_text())
    assert log["world_size"] == 2
    assert "2 process(es)" in proc.stdout


def test_parallel_jobs_forward_every_option_but_their_own():
    from mmdemo.train import _without

    argv = ["--fusion", "all", "--data", "d", "--jobs=2", "--config", '{"d_model": 32}', "--threads", "2"]
    assert _without(argv, "--fusion", "--jobs", "--threads") == ["--data", "d", "--config", '{"d_model": 32}']


def test_training_reads_the_adapted_text_encoder(tiny_data, tiny_checkpoints):
    """By default the fusion models train on the committed text adapter's token states: it is copied beside them,
    their configs name it, and the feature cache holds exactly what the adapted encoder gives."""
    from mmdemo.adapt_text import DEFAULT_ADAPTER
    from mmdemo.encoders import adapter_fingerprint
    from mmdemo.features import FeatureExtractor, build_feature_cache
    import torch

    fingerprint = adapter_fingerprint(ROOT / DEFAULT_ADAPTER)
    assert adapter_fingerprint(tiny_checkpoints / "text_adapter") == fingerprint
    for fusion in FUSIONS:
        config = json.loads((tiny_checkpoints / fusion / "config.json").read_text())
        assert (config["text_adapter"], config["text_adapter_id"]) == ("text_adapter", fingerprint)
    items = build_feature_cache(tiny_data / "val" / "manifest.jsonl", cache_dir=tiny_data / "cache",
                                text_adapter=ROOT / DEFAULT_ADAPTER)
    extractor = FeatureExtractor(text_adapter=ROOT / DEFAULT_ADAPTER)
    with_text = [it for it in items if it["text"]]
    fresh = extractor.text([it["text"] for it in with_text])
    for item, tokens in zip(with_text, fresh):
        torch.testing.assert_close(item["text_tokens"].float(), tokens, atol=2e-2, rtol=1e-2)   # fp16 cache
    plain = build_feature_cache(tiny_data / "val" / "manifest.jsonl", cache_dir=tiny_data / "cache")
    for a, b in zip(items, plain):   # only the text tokens depend on the text encoder
        assert a["id"] == b["id"] and (a["image_tokens"] is None) == (b["image_tokens"] is None)
        if a["image_tokens"] is not None:
            torch.testing.assert_close(a["image_tokens"], b["image_tokens"], atol=2e-2, rtol=1e-2)


def test_the_text_cache_key_holds_the_adapter_and_how_long_texts_are_cut(monkeypatch):
    """Cached token states of a long text depend on where it was cut: another cut (or adapter) names another
    cache, so training never reads tokens cut the old way."""
    from mmdemo import encoders
    from mmdemo.features import text_cache_id

    ids = {text_cache_id(None), text_cache_id("0123456789")}
    monkeypatch.setattr(encoders, "TEXT_CUT", "head40")
    assert len(ids | {text_cache_id(None), text_cache_id("0123456789")}) == 4
    assert all(len(i) == 10 and int(i, 16) >= 0 for i in ids)   # hex: the cache names' pattern reads it


def test_training_reads_the_fine_tuned_image_encoder(tiny_data, tiny_checkpoints):
    """By default the fusion models train on the patch tokens of the committed fine-tuned image top: it is copied
    beside them, their configs name it, and the feature cache holds exactly what that encoder gives."""
    from mmdemo.adapt_image import DEFAULT_IMAGE_TOP
    from mmdemo.adapt_text import DEFAULT_ADAPTER
    from mmdemo.data.manifest import read_manifest
    from mmdemo.encoders import ImageEncoder, image_top_fingerprint
    from mmdemo.media import load_image
    from mmdemo import limits
    from mmdemo.features import build_feature_cache
    import torch

    fingerprint = image_top_fingerprint(ROOT / DEFAULT_IMAGE_TOP)
    assert image_top_fingerprint(tiny_checkpoints / "image_top") == fingerprint
    for fusion in FUSIONS:
        config = json.loads((tiny_checkpoints / fusion / "config.json").read_text())
        assert (config["image_top"], config["image_top_id"]) == ("image_top", fingerprint)
    manifest = tiny_data / "val" / "manifest.jsonl"
    items = build_feature_cache(manifest, cache_dir=tiny_data / "cache", text_adapter=ROOT / DEFAULT_ADAPTER,
                                image_top=ROOT / DEFAULT_IMAGE_TOP)
    encoder = ImageEncoder(size=config["image_size"], top=ROOT / DEFAULT_IMAGE_TOP).eval()
    plain = ImageEncoder(size=config["image_size"]).eval()
    images = {s.id: s.image for s in read_manifest(manifest)}
    with_image = [it for it in items if it["image_tokens"] is not None][:4]
    assert with_image
    photos = [load_image(images[it["id"]], limits.MODEL_IMAGE_SIDE) for it in with_image]
    with torch.no_grad():
        fresh, before = encoder.encode(photos), plain.encode(photos)
    for item, tokens, old in zip(with_image, fresh, before):
        torch.testing.assert_close(item["image_tokens"].float(), tokens, atol=2e-2, rtol=1e-2)   # fp16 cache
        assert (tokens - old).abs().max() > 0.1   # the fine-tuned top does change the patch tokens
    text_only = build_feature_cache(manifest, cache_dir=tiny_data / "cache", text_adapter=ROOT / DEFAULT_ADAPTER)
    for a, b in zip(items, text_only):   # only the patch tokens depend on the image encoder
        assert a["id"] == b["id"] and (a["text_tokens"] is None) == (b["text_tokens"] is None)
        if a["text_tokens"] is not None:
            torch.testing.assert_close(a["text_tokens"], b["text_tokens"], atol=2e-2, rtol=1e-2)


def test_new_image_top_features_come_from_cached_block_inputs(tiny_data, tmp_path):
    """With the inputs of the top's blocks cached (adapt_image leaves them), a new image top's patch tokens are
    computed by running only the top on them: no photo is decoded again, and the tokens are the whole encoder's."""
    from mmdemo.adapt_image import DEFAULT_IMAGE_TOP
    from mmdemo import features
    from mmdemo.data.manifest import read_manifest
    from mmdemo.encoders import ImageEncoder
    from mmdemo.media import load_image
    from mmdemo import limits
    import torch

    manifest, cache = tiny_data / "val" / "manifest.jsonl", tmp_path / "cache"
    top = ImageEncoder(size=64, top=ROOT / DEFAULT_IMAGE_TOP)
    features.build_feature_cache(manifest, cache_dir=cache, image_size=64)   # the cache a new top starts from
    features.build_encoder_cache(manifest, top.top_blocks, cache, image_size=64, image_only=True)

    def no_decoding(*args, **kwargs):
        raise AssertionError("a photo was decoded although its block inputs were cached")

    import mmdemo.media
    saved, mmdemo.media.load_image = mmdemo.media.load_image, no_decoding   # build_feature_cache imports it
    try:
        items = features.build_feature_cache(manifest, cache_dir=cache, image_size=64,
                                             image_top=ROOT / DEFAULT_IMAGE_TOP)
    finally:
        mmdemo.media.load_image = saved
    images = {s.id: s.image for s in read_manifest(manifest)}
    with_image = [it for it in items if it["image_tokens"] is not None]
    assert with_image
    with torch.no_grad():
        fresh = top.eval().encode([load_image(images[it["id"]], limits.MODEL_IMAGE_SIDE) for it in with_image])
    for item, tokens in zip(with_image, fresh):
        torch.testing.assert_close(item["image_tokens"].float(), tokens, atol=3e-2, rtol=2e-2)   # fp16 inputs


def test_new_text_adapter_with_an_image_top_recomputes_only_the_text(tiny_data, tmp_path):
    """A cache made with the same image top and another (or no) text adapter lends its patch tokens and audio
    frames: no photo is decoded, and the text tokens are the adapted encoder's."""
    from mmdemo.adapt_image import DEFAULT_IMAGE_TOP
    from mmdemo.adapt_text import DEFAULT_ADAPTER
    from mmdemo import features
    import mmdemo.media
    import torch

    manifest, cache = tiny_data / "val" / "manifest.jsonl", tmp_path / "cache"
    before = features.build_feature_cache(manifest, cache_dir=cache, image_size=64, image_top=ROOT / DEFAULT_IMAGE_TOP)

    def no_decoding(*args, **kwargs):
        raise AssertionError("a photo was decoded although a cache with the same image top could lend it")

    saved, mmdemo.media.load_image = mmdemo.media.load_image, no_decoding   # build_feature_cache imports it
    try:
        items = features.build_feature_cache(manifest, cache_dir=cache, image_size=64,
                                             text_adapter=ROOT / DEFAULT_ADAPTER, image_top=ROOT / DEFAULT_IMAGE_TOP)
    finally:
        mmdemo.media.load_image = saved
    fresh = features.FeatureExtractor(image_size=64, text_adapter=ROOT / DEFAULT_ADAPTER).text(
        [it["text"] for it in items])
    for a, b, tokens in zip(items, before, fresh):
        assert a["id"] == b["id"]
        for key in ("image_tokens", "audio_feats"):
            assert (a[key] is None and b[key] is None) or torch.equal(a[key], b[key])
        if tokens is not None:
            torch.testing.assert_close(a["text_tokens"].float(), tokens, atol=2e-2, rtol=1e-2)   # fp16 cache


def test_weight_average_matches_a_hand_computed_polyak_average():
    import torch

    from mmdemo.train import WeightAverage

    layer = torch.nn.Linear(3, 2)
    average = WeightAverage(layer, decay=0.9)
    expected = layer.weight.detach().clone()
    for t in range(1, 30):
        with torch.no_grad():
            layer.weight.add_(torch.randn_like(layer.weight))
        average.update(layer)
        decay = min(0.9, (1 + t) / (10 + t))
        expected = decay * expected + (1 - decay) * layer.weight.detach()
    assert torch.allclose(average.state["weight"], expected, atol=1e-6)
    raw = layer.weight.detach().clone()
    held = average.copy_to(layer)
    assert torch.equal(held["weight"], raw) and torch.allclose(layer.weight, expected, atol=1e-6)


def test_ema_run_saves_the_averaged_weights(tiny_data, tmp_path):
    """--ema validates and saves the averaged weights: the saved model is not the raw one of the same seed
    (--ema 0), and its log says so."""
    import contextlib
    import io

    import torch

    from conftest import TINY_CONFIG
    from mmdemo.train import main as train_main

    common = ["--fusion", "early", "--data", str(tiny_data), "--cache-dir", str(tiny_data / "cache"), "--epochs",
              "2", "--batch-size", "16", "--config", TINY_CONFIG, "--threads", "1"]
    with contextlib.redirect_stdout(io.StringIO()):
        train_main([*common, "--out", str(tmp_path / "raw"), "--ema", "0"])
        train_main([*common, "--out", str(tmp_path / "ema"), "--ema", "0.9"])
    raw = MultimodalModel.from_pretrained(tmp_path / "raw" / "early").state_dict()
    ema = MultimodalModel.from_pretrained(tmp_path / "ema" / "early").state_dict()
    assert json.loads((tmp_path / "ema" / "early" / "training_log.json").read_text())["ema"] == 0.9
    changed = [k for k in raw if raw[k].dtype.is_floating_point and k != "temperature"
               and not torch.equal(raw[k], ema[k])]
    assert len(changed) > len(raw) // 2


def test_the_kind_readout_fits_separable_photo_kinds_and_ignores_samples_without_a_photo():
    from mmdemo.train import fit_kind_readout
    g = torch.Generator().manual_seed(0)
    centres = torch.randn(6, 1280, generator=g)
    items = [{"image_tokens": (centres[k] + 0.3 * torch.randn(49, 1280, generator=g)).half(), "image_kind": k}
             for k in range(6) for _ in range(12)]
    items += [{"image_tokens": None, "image_kind": 6}] * 5   # text-only samples: "none", no photo
    weight, bias = fit_kind_readout(items)
    assert weight.shape == (6, 1280) and bias.shape == (6,)
    x = torch.stack([it["image_tokens"].float().mean(0) for it in items[:72]])
    assert ((x @ weight.T + bias).argmax(-1) == torch.tensor([it["image_kind"] for it in items[:72]])).all()


def test_the_kind_readout_is_the_image_tops_own_head_when_it_has_one(tmp_path):
    from safetensors.torch import save_file

    from mmdemo.adapt_image import KIND_HEAD_WEIGHTS
    from mmdemo.train import kind_readout_for
    g = torch.Generator().manual_seed(0)
    items = [{"image_tokens": torch.randn(49, 1280, generator=g).half(), "image_kind": k % 6} for k in range(24)]
    head = {"weight": torch.randn(6, 1280, generator=g), "bias": torch.randn(6, generator=g)}
    save_file(head, str(tmp_path / KIND_HEAD_WEIGHTS))
    weight, bias, source = kind_readout_for(tmp_path, items)
    assert torch.equal(weight, head["weight"]) and torch.equal(bias, head["bias"]) and "own kind head" in source
    weight, bias, source = kind_readout_for(None, items)   # no top (or one without a head): fitted on the photos
    assert weight.shape == (6, 1280) and source == "fitted on 24 training photos"
