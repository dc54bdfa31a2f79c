"""Fine-tuning the top of the image encoder (mmdemo.adapt_image): the cached block inputs, and a real short run."""
import json
import random

import torch

from mmdemo.adapt_image import kind_examples, kind_weights, main
from mmdemo.data.manifest import read_manifest
from mmdemo.encoders import IMAGE_TOP_CONFIG, IMAGE_TOP_WEIGHTS, ImageEncoder, image_top_fingerprint
from mmdemo.features import build_encoder_cache
from mmdemo.schema import IMAGE_KINDS


def test_kind_examples_are_the_photos_with_their_kinds(tiny_data, tmp_path):
    manifest = tiny_data / "train" / "photos.jsonl"
    items = build_encoder_cache(manifest, 2, tmp_path / "cache", image_only=True)
    # only the photos' block inputs: no ordinary feature cache is built for them, no text or audio is encoded
    assert [p.name.endswith("-top2img.pt") for p in (tmp_path / "cache").iterdir()] == [True]
    assert all(it["text_tokens"] is None and it["audio_feats"] is None for it in items)
    examples = kind_examples(items)
    samples = [s for s in read_manifest(manifest) if s.image is not None]
    assert len(examples) == len(samples) > 0
    assert sorted(IMAGE_KINDS[e["kind"]] for e in examples) == sorted(s.image_kind for s in samples)
    assert all(e["x"].shape[-1] == 192 for e in examples)   # what enters the second-to-last MBConv block


def test_kind_weights_make_every_kind_count_the_same():
    examples = [{"kind": k} for k, n in enumerate((40, 10, 0, 20, 5, 5)) for _ in range(n)]
    w = kind_weights(examples)
    counts = torch.tensor([40.0, 10, 0, 20, 5, 5])
    per_kind = (w * counts)[counts > 0]
    assert torch.allclose(per_kind, per_kind[0].expand_as(per_kind))   # each present kind's total weight is equal
    assert torch.isclose((w * counts).sum(), counts.sum())              # the mean weight per photo stays 1
    assert torch.isfinite(w).all()                                      # an absent kind does not divide by zero


def test_a_short_adaptation_writes_a_top_the_encoder_loads(tiny_data, tmp_path, one_thread):
    out = tmp_path / "image_top"
    log = main(["--data", str(tiny_data), "--cache-dir", str(tiny_data / "cache"), "--out", str(out),
                "--blocks", "2", "--epochs", "1", "--max-steps", "2", "--batch-size", "8", "--balance"])
    assert (out / IMAGE_TOP_WEIGHTS).exists() and json.loads((out / IMAGE_TOP_CONFIG).read_text())["n_blocks"] == 2
    assert log["fingerprint"] == image_top_fingerprint(out) and len(log["epochs"]) == 2   # before and after
    from mmdemo.adapt_image import saved_kind_head
    weight, bias = saved_kind_head(out)   # the six-kind head it trained with, read back as train reads it
    assert weight.shape == (len(IMAGE_KINDS), 1280) and bias.shape == (len(IMAGE_KINDS),)
    assert set(log["kind_weights"]) == set(IMAGE_KINDS)   # --balance: the weights used are logged
    plain = ImageEncoder(size=64)
    # two blocks + head conv (+ its BatchNorm); BatchNorm statistics and affine parameters do not train
    assert log["trainable_parameters"] == sum(p.numel() for m in [*list(plain.model._blocks)[-2:],
                                                                    plain.model._conv_head]
                                              for n, p in m.named_parameters() if "_bn" not in n)
    from mmdemo.data.images import render_image
    img, _ = render_image("damaged_product", random.Random(0))
    with torch.no_grad():
        changed = ImageEncoder(size=64, top=out).encode([img]) - plain.encode([img])
    assert changed.abs().max() > 0


def test_the_gradient_reversal_is_identity_forward_and_minus_scale_backward():
    from mmdemo.adapt_image import _ReverseGradient
    x = torch.randn(4, 3, requires_grad=True)
    y = _ReverseGradient.apply(x, 0.3)
    assert torch.equal(y, x)
    (y * torch.arange(12.0).view(4, 3)).sum().backward()
    assert torch.allclose(x.grad, -0.3 * torch.arange(12.0).view(4, 3))


def test_the_adversary_ramps_in_and_reads_the_type_per_condition():
    from mmdemo.adapt_image import TypeAdversary, adversary_scale
    assert adversary_scale(0.0, 0.5) == 0.0 and 0.49 < adversary_scale(1.0, 0.5) <= 0.5
    assert adversary_scale(0.1, 0.5) < adversary_scale(0.3, 0.5)
    adv = TypeAdversary(8, 5)
    pooled, damaged = torch.randn(6, 8), torch.tensor([0, 1, 0, 1, 1, 0]).bool()
    logits = adv(pooled, damaged, 1.0)
    assert logits.shape == (6, 5)
    for i in range(6):   # row i comes from the intact head or the damaged head, as its photo's condition says
        assert torch.allclose(logits[i], adv.heads[int(damaged[i])](pooled[i]))


def test_product_types_name_the_product_photos_only(tiny_data):
    from mmdemo.adapt_image import product_types_of
    manifest = tiny_data / "train" / "photos.jsonl"
    types, names = product_types_of(manifest)
    samples = read_manifest(manifest)
    products = {s.id for s in samples if s.image_kind in ("product", "damaged_product")}
    assert set(types) == products and products
    for s in samples:
        if s.id in types:
            assert names[types[s.id]] == s.extra["image_meta"]["product"]


def test_a_short_adaptation_with_the_type_adversary_logs_how_well_it_reads_the_type(tiny_data, tmp_path,
                                                                                      one_thread):
    out = tmp_path / "image_top"
    log = main(["--data", str(tiny_data), "--cache-dir", str(tiny_data / "cache"), "--out", str(out),
                "--blocks", "2", "--epochs", "1", "--max-steps", "2", "--batch-size", "8", "--type-adversary", "0.5"])
    assert log["type_adversary"] == 0.5 and log["product_types"]
    assert 0.0 <= log["epochs"][-1]["adversary_type_accuracy"] <= 1.0
    assert (out / IMAGE_TOP_WEIGHTS).exists()


def test_without_types_drops_the_photos_of_those_types_and_refuses_an_unknown_one(tiny_data, tmp_path):
    import pytest

    from mmdemo.adapt_image import product_types_of, without_types
    manifest = tiny_data / "train" / "photos.jsonl"
    items = build_encoder_cache(manifest, 2, tiny_data / "cache", image_only=True)
    types, names = product_types_of(manifest)
    gone = names[types[next(iter(types))]]
    kept = without_types(items, types, names, [gone])
    dropped = {i for i, t in types.items() if names[t] == gone}
    assert dropped and {it["id"] for it in kept} == {it["id"] for it in items} - dropped   # all other kinds stay
    with pytest.raises(ValueError, match="no photos of"):
        without_types(items, types, names, ["hovercraft"])
