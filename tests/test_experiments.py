"""The label-efficiency experiment end to end on tiny data, the --finetune-top path it relies on, and the damage
experiments (damage-transfer, damage-probe)."""
import json

import pytest
import torch

from mmdemo import experiments
from mmdemo.features import (EncoderTops, FeatureExtractor, FinetunedModel, build_encoder_cache,
                             build_feature_cache)
from mmdemo.train import collate

from conftest import TINY_CONFIG as TINY


pytestmark = pytest.mark.usefixtures("one_thread")


def test_encoder_top_inputs_reproduce_the_frozen_features(tiny_data):
    """Running the top layers live on their cached inputs gives the cached frozen features (so fine-tuning them
    starts exactly where the frozen model is)."""
    manifest, cache = tiny_data / "val" / "manifest.jsonl", tiny_data / "cache"
    extractor = FeatureExtractor()
    base = build_feature_cache(manifest, extractor, cache)
    top = build_encoder_cache(manifest, 1, cache, extractor)
    assert [it["id"] for it in top] == [it["id"] for it in base]
    tops = EncoderTops(1, extractor.text_encoder, extractor.image_encoder).eval()
    inputs, _ = collate(top)
    ref, _ = collate(base)
    with torch.no_grad():
        text = tops.text(inputs.text_tokens, inputs.text_mask)
        image = tops.image(inputs.image_tokens)
    assert torch.allclose(text[ref.text_mask], ref.text_tokens[ref.text_mask], atol=0.02)
    assert torch.allclose(image[ref.image_mask], ref.image_tokens[ref.image_mask], atol=0.05)


def test_label_efficiency_runs_and_writes_curves(tiny_data, tmp_path, capsys):
    out = tmp_path / "le.json"
    result = experiments.main(["label-efficiency", "--data", str(tiny_data), "--cache-dir", str(tiny_data / "cache"),
                               "--out", str(tmp_path / "runs"), "--json", str(out), "--config", TINY,
                               "--fractions", "0.25,1.0", "--finetune-top", "1", "--finetune-fractions", "1.0",
                               "--pretrain-steps", "2", "--max-steps", "3", "--epoch-samples", "32",
                               "--batch-size", "16", "--val-samples", "8"])
    saved = json.loads(out.read_text())
    assert saved["runs"] == json.loads(json.dumps(result["runs"]))
    names = {r["name"] for r in saved["runs"]}
    assert names == {"none-frozen-0.25", "pretrained-frozen-0.25", "none-frozen-1", "pretrained-frozen-1",
                     "none-top1-1", "pretrained-top1-1"}
    for r in saved["runs"]:
        assert 0.0 <= r["test_accuracy"] <= 1.0 and r["loss_curve"] and r["val_curve"]
        assert r["steps_run"] <= 3
    assert saved["protocol"]["finetune_fractions"] == [1.0]
    assert (tmp_path / "pretraining_log.json").exists()
    assert (tmp_path / "runs" / "pretrained-top1-1" / "attention" / "encoder_top.safetensors").exists()
    printed = capsys.readouterr().out
    assert "pretraining" in printed and "frozen" in printed and "top1" in printed


def test_train_finetune_top_saves_encoder_layers(tiny_data, tmp_path):
    from mmdemo.train import main as train_main

    [log] = train_main(["--fusion", "attention", "--data", str(tiny_data), "--cache-dir", str(tiny_data / "cache"),
                        "--out", str(tmp_path), "--epochs", "1", "--max-steps", "2", "--batch-size", "16",
                        "--config", TINY, "--finetune-top", "1", "--encoder-lr", "1e-2"])
    assert log["finetune_top"] == 1
    model = FinetunedModel.from_pretrained(tmp_path / "attention")
    fresh = EncoderTops.load_encoders(1)
    moved = [not torch.equal(a, b) for a, b in zip(model.tops.state_dict().values(), fresh.state_dict().values())
             if a.is_floating_point()]
    assert any(moved)   # the encoder layers were trained and saved


def test_damage_transfer_scores_every_product_type_unseen(tiny_data):
    """The leave-one-product-type-out probe runs on the bank's product photos and scores each type once per repeat."""
    photos = tiny_data / "train" / "photos.jsonl"
    rows = [json.loads(line) for line in photos.read_text().splitlines()]
    products = [r for r in rows if r["image_kind"] in ("product", "damaged_product")]
    result = experiments.damage_transfer(photos, tiny_data / "cache", ks=(1, 99), repeats=1, steps=20)
    assert result["photos"] == len(products)
    assert result["types"] == sorted({r["image_meta"]["product"] for r in products})
    assert list(result["by_k"]) == ["1"]          # k = 99 leaves no type unseen: skipped
    assert result["by_k"]["1"]["runs"] == len(result["types"])
    assert 0.0 <= result["by_k"]["1"]["held_out_accuracy"] <= 1.0


def test_damage_probe_compares_encoders_on_held_out_product_types(tmp_path, monkeypatch):
    """Fresh renders of the training and the held-out product types; the cached block inputs give the encoder's own
    patch tokens; every encoder gets scores per held-out type; a second run reads the cache."""
    from mmdemo import limits
    from mmdemo.configs import IMAGE_TOP_DIR
    from mmdemo.data.images import PRODUCT_TYPES
    from mmdemo.encoders import ImageEncoder, image_top_fingerprint
    from mmdemo.media import load_image

    top = experiments.ROOT / "assets" / "checkpoints" / IMAGE_TOP_DIR
    run = lambda: experiments.damage_probe([None, top], n_train=12, n_held_out=8, cache_dir=tmp_path, seeds=2,
                                           steps=20, workers=1)
    result = run()
    assert result["renders"] == {"train_types": 12, "held_out_types": 8}
    assert set(result["types"]["train_types"]) <= set(PRODUCT_TYPES["train"])
    assert set(result["types"]["held_out_types"]) <= set(PRODUCT_TYPES["test"])
    assert list(result["encoders"]) == ["plain ImageNet", f"assets/checkpoints/{IMAGE_TOP_DIR}"]
    tuned = result["encoders"][f"assets/checkpoints/{IMAGE_TOP_DIR}"]
    assert tuned["fingerprint"] == image_top_fingerprint(top)
    for e in result["encoders"].values():
        assert len(e["held_out_accuracy"]) == 2 and all(0.0 <= a <= 1.0 for a in e["held_out_accuracy"])
        assert 0.0 <= e["held_out_auc"] <= 1.0
        assert set(e["by_held_out_type"]) == set(result["types"]["held_out_types"])

    data = experiments.damage_probe_inputs(12, 8, 5, tmp_path, result["image_size"])
    assert [r["kind"] for r in data["rows"][:4]] == ["product", "damaged_product"] * 2
    photo = experiments._probe_render(("held_out_types", 1, 0))   # the first held-out damaged photo, drawn again
    encoder = ImageEncoder(size=result["image_size"], top=top).eval()
    with torch.no_grad():
        whole = encoder.encode([load_image(photo["jpeg"], limits.MODEL_IMAGE_SIDE)])
        from_cache = encoder.forward_top(data["inputs"][12 + 1:12 + 2].float(), 5)
    assert torch.allclose(whole, from_cache, atol=0.05, rtol=0.01)   # the cache holds float16

    monkeypatch.setattr(experiments, "_probe_render", lambda job: pytest.fail("rendered again"))
    assert run() == result
    with pytest.raises(ValueError, match="fine-tunes 5 blocks"):
        experiments.damage_probe([top], n_train=12, n_held_out=8, cache_dir=tmp_path, n_blocks=2, workers=1)


def test_auc_counts_damaged_above_intact_and_ties_half():
    score, label = torch.tensor([0.9, 0.1, 0.5, 0.5]), torch.tensor([1.0, 0.0, 1.0, 0.0])
    assert experiments._auc(score, label) == pytest.approx((1 + 1 + 1 + 0.5) / 4)
    assert experiments._auc(-score, label) == pytest.approx((0 + 0 + 0 + 0.5) / 4)


def test_ceiling_manifests_keep_every_label_true(tiny_data, tmp_path):
    """The ceilings' variants: the same rows and labels; "photos" swaps in bank photos of the same kind (never a
    gadget), "typed" swaps the voice for the spoken words, "both" does both."""
    manifest, bank = tiny_data / "test" / "manifest.jsonl", tiny_data / "train" / "photos.jsonl"
    rows = [json.loads(line) for line in manifest.read_text().splitlines()]
    bank_rows = {str((bank.parent / r["image"]).resolve()): r for r in map(json.loads, bank.read_text().splitlines())}
    assert any(str(r["image_meta"].get("product") or "").startswith("gadget") for r in bank_rows.values())
    assert any(r.get("image") for r in rows) and any(r.get("audio") for r in rows)
    paths = experiments.ceiling_manifests(manifest, bank, tmp_path)
    assert list(paths) == list(experiments.CEILING_VARIANTS)
    v = {name: [json.loads(line) for line in p.read_text().splitlines()] for name, p in paths.items()}
    for name, vrows in v.items():
        assert [(r["id"], r["intent"], r.get("image_kind"), r.get("rule")) for r in vrows] == \
               [(r["id"], r["intent"], r.get("image_kind"), r.get("rule")) for r in rows], name
    for orig, same, photo, typed, both in zip(rows, *v.values()):
        assert same["text"] == orig["text"] and bool(same.get("audio")) == bool(orig.get("audio"))
        if orig.get("image"):
            assert same["image"] == str((manifest.parent / orig["image"]).resolve())
            for r in (photo, both):
                shown = bank_rows[r["image"]]   # a bank photo ...
                assert shown["image_kind"] == orig["image_kind"]   # ... of the same kind ...
                assert not str(shown["image_meta"].get("product") or "").startswith("gadget")   # ... never a gadget
        else:
            assert photo.get("image") is None and both.get("image") is None
        if orig.get("audio"):
            for r in (typed, both):
                assert r["audio"] is None and r["text"].endswith(orig["spoken"]) and orig["text"] in r["text"]
        else:
            assert typed["text"] == orig["text"] and typed.get("audio") is None


def test_ceilings_runs_the_evaluator_on_each_variant(tiny_data, tiny_checkpoints, tmp_path):
    """End to end on the tiny build: its "as is" row is exactly what the evaluator reports for the manifest."""
    from mmdemo.evaluate import main as evaluate_main

    manifest = tiny_data / "test" / "manifest.jsonl"
    out = tmp_path / "ceilings.json"
    result = experiments.main(["ceilings", "--manifest", str(manifest), "--bank", str(tiny_data / "train" / "photos.jsonl"),
                               "--checkpoints", str(tiny_checkpoints), "--out", str(tmp_path / "v"), "--json", str(out)])
    assert json.loads(out.read_text()) == result
    assert list(result["variants"]) == list(experiments.CEILING_VARIANTS)
    reference = evaluate_main(["--manifest", str(manifest), "--fusion", "attention", "--no-drop",
                               "--checkpoints", str(tiny_checkpoints)])["strategies"]["attention"]
    assert result["variants"]["as is"]["accuracy"] == reference["accuracy"]
    assert result["variants"]["as is"]["image_kind_accuracy"] == reference["image_kind_accuracy"]
    for v in result["variants"].values():
        assert 0.0 <= v["accuracy"] <= 1.0


def test_ceiling_manifests_can_swap_only_some_kinds(tiny_data, tmp_path):
    manifest, bank = tiny_data / "test" / "manifest.jsonl", tiny_data / "train" / "photos.jsonl"
    rows = [json.loads(line) for line in manifest.read_text().splitlines()]
    kinds = {r["image_kind"] for r in rows if r.get("image")}
    chosen = {sorted(kinds)[0]}
    photo = experiments.ceiling_manifests(manifest, bank, tmp_path, photo_kinds=chosen)["photos"]
    for orig, r in zip(rows, map(json.loads, photo.read_text().splitlines())):
        if orig.get("image"):
            moved = r["image"] != str((manifest.parent / orig["image"]).resolve())
            assert moved == (orig["image_kind"] in chosen), orig["id"]
