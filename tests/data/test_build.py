"""The data builder: manifests in the documented format, every mix present, deterministic, transcripts made."""
import json
import random

import pytest

from mmdemo.data.build import DEFAULT_SIZES, MIX_WEIGHTS, plan_sample, split_sizes
from mmdemo.data.images import GADGET_TYPES, PRODUCT_TYPES
from mmdemo.data.manifest import read_manifest
from mmdemo.schema import IMAGE_KIND_LABELS, INTENTS, R1_INTENT_FROM_IMAGE, R3_INTENT_FROM_IMAGE, TONES


def test_manifests_have_documented_format(tiny_data):
    for split in ("train", "val", "test"):
        rows = [json.loads(line) for line in (tiny_data / split / "manifest.jsonl").read_text().splitlines()]
        assert rows
        for row in rows:
            assert {"id", "text", "image", "audio", "intent"} <= row.keys()
            assert row["intent"] in INTENTS and row["image_kind"] in IMAGE_KIND_LABELS and row["tone"] in TONES
            for key in ("image", "audio"):
                if row[key]:
                    assert (tiny_data / split / row[key]).stat().st_size > 0
            if row["audio"]:
                assert isinstance(row["transcript"], str)
        samples = read_manifest(tiny_data / split / "manifest.jsonl")
        assert len(samples) == len(rows)


def test_training_photo_bank_holds_valid_photo_only_rows(tiny_data):
    """train/photos.jsonl: kind-labelled training photos (a bank for photo swapping), each a valid R1 row."""
    samples = read_manifest(tiny_data / "train" / "photos.jsonl")
    assert {s.image_kind for s in samples} == set(R1_INTENT_FROM_IMAGE)
    for s in samples:
        assert s.text == "" and s.audio is None and s.image.stat().st_size > 0
        assert s.rule == "R1" and s.intent == R1_INTENT_FROM_IMAGE[s.image_kind]
    assert not (tiny_data / "val" / "photos.jsonl").exists() and not (tiny_data / "test" / "photos.jsonl").exists()
    # the bank's gadget section: intact and damaged procedurally drawn objects, no product type of any split
    products = [s.extra["image_meta"]["product"] for s in samples if s.image_kind in ("product", "damaged_product")]
    gadgets = {p for p in products if p in GADGET_TYPES}
    assert gadgets and set(products) - gadgets <= set(PRODUCT_TYPES["train"])
    assert {s.image_kind for s in samples if s.extra["image_meta"]["product"] in gadgets} == {"product", "damaged_product"}


def test_voice_clips_were_transcribed_by_the_asr(tiny_data):
    rows = [json.loads(line) for line in (tiny_data / "train" / "manifest.jsonl").read_text().splitlines()]
    voiced = [r for r in rows if r["audio"]]
    assert voiced, "the tiny build should hold voice samples"
    words = lambda s: set(s.lower().replace(",", " ").replace(".", " ").replace("?", " ").split())
    overlap = [len(words(r["transcript"]) & words(r["spoken"])) / max(1, len(words(r["spoken"]))) for r in voiced]
    assert sum(overlap) / len(overlap) > 0.5  # the ASR hears most words of clear TTS speech


def test_tiny_build_has_the_sizes_it_asked_for(tiny_data):
    counts = {split: len(read_manifest(tiny_data / split / "manifest.jsonl")) for split in ("train", "val", "test")}
    assert counts == {"train": 160, "val": 8, "test": 10}


def test_split_sizes_scale_the_defaults_and_take_exact_overrides():
    assert split_sizes() == DEFAULT_SIZES
    assert split_sizes(0.001)["val"] == 8                       # never fewer than 8 unless asked
    assert split_sizes(0.01, "train=160, test=3") == {**split_sizes(0.01), "train": 160, "test": 3}
    for bad in ("train", "train=x", "train=0", "dev=5"):
        with pytest.raises(ValueError, match="--sizes"):
            split_sizes(1.0, bad)


def test_plans_are_deterministic_and_follow_the_rules():
    a = [plan_sample("train", i, seed=11) for i in range(300)]
    b = [plan_sample("train", i, seed=11) for i in range(300)]
    assert a == b
    assert {p["mix"] for p in a} == {k.split(":")[0] for k in MIX_WEIGHTS}
    for p in a:
        if p["rule"] == "R1":
            assert p["intent"] == R1_INTENT_FROM_IMAGE[p["image_kind"]]
        if p["rule"] == "R3":
            assert p["intent"] == R3_INTENT_FROM_IMAGE[p["image_kind"]]
        if p["has_image"]:
            assert p["image_kind"] != "none"
        else:
            assert p["image_kind"] == "none"


def test_test_split_is_held_out():
    train = [plan_sample("train", i, seed=0) for i in range(400)]
    test = [plan_sample("test", i, seed=0) for i in range(400)]
    train_texts = {p["text"] for p in train if p["text"]}
    test_texts = {p["text"] for p in test if p["text"]}
    assert all(p["held_out"] for p in test) and not any(p["held_out"] for p in train)
    assert len(train_texts & test_texts) < 0.02 * len(test_texts)
