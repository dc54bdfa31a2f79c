"""The photo-like image renderer in mmdemo.data.images: every kind renders, splits are honoured, seeds fix pixels."""
from __future__ import annotations

import json
import random
import re
from functools import lru_cache

import pytest
from PIL import Image

from mmdemo.data import images
from mmdemo.schema import IMAGE_KINDS

SEEDS = (0, 1, 2)
PRINTED_KEYS = {
    "receipt": {"amount", "currency", "date", "merchant"},
    "parcel": {"order", "tracking", "name", "city"},
    "error_screen": {"error_code", "title"},
}


@lru_cache(maxsize=None)
def _render(kind: str, seed: int, held_out: bool):
    return images.render_image(kind, random.Random(seed), held_out=held_out)


def test_kinds_follow_the_schema():
    assert tuple(images.KINDS) == tuple(IMAGE_KINDS)
    assert set(images.LAYOUTS) == set(IMAGE_KINDS)


@pytest.mark.parametrize("kind", IMAGE_KINDS)
def test_layouts_are_disjoint_and_non_empty(kind):
    train, test = images.LAYOUTS[kind]["train"], images.LAYOUTS[kind]["test"]
    assert train and test
    assert not set(train) & set(test)
    assert len(set(train)) == len(train) and len(set(test)) == len(test)


def test_product_types_are_disjoint():
    train, test = images.PRODUCT_TYPES["train"], images.PRODUCT_TYPES["test"]
    assert len(test) >= 2 and len(train) >= 5
    assert not set(train) & set(test)
    assert set(train) | set(test) <= set(images._PRODUCT_DRAW)


def test_skimage_photos_are_disjoint_and_exclude_objects():
    train, test = images.SKIMAGE_PHOTOS["train"], images.SKIMAGE_PHOTOS["test"]
    assert train and test and not set(train) & set(test)
    # a mug, a clock, documents and screens would be mislabelled as "other"
    assert not {"coffee", "clock", "page", "text", "logo"} & (set(train) | set(test))


@pytest.mark.parametrize("held_out", [False, True], ids=["train", "test"])
@pytest.mark.parametrize("kind", IMAGE_KINDS)
def test_every_kind_renders_with_metadata(kind, held_out):
    split = "test" if held_out else "train"
    for seed in SEEDS:
        img, meta = _render(kind, seed, held_out)
        assert isinstance(img, Image.Image) and img.mode == "RGB"
        assert images.OUT_MIN <= max(img.size) <= images.OUT_MAX
        assert min(img.size) >= 100
        assert {"kind", "layout", "product", "printed"} <= set(meta)
        assert meta["kind"] == kind
        assert meta["layout"] in images.LAYOUTS[kind][split], "the renderer used a layout of the other split"
        if kind in ("product", "damaged_product"):
            assert meta["product"] in images.PRODUCT_TYPES[split]
        else:
            assert meta["product"] is None
        assert isinstance(meta["printed"], dict)
        assert PRINTED_KEYS.get(kind, set()) <= set(meta["printed"])
        json.dumps(meta)   # the builder writes it into a JSON manifest


@pytest.mark.parametrize("kind", IMAGE_KINDS)
def test_same_seed_same_pixels(kind):
    a, meta_a = _render(kind, 0, False)
    b, meta_b = images.render_image(kind, random.Random(0), held_out=False)
    assert a.size == b.size and a.tobytes() == b.tobytes()
    assert meta_a == meta_b
    c, _ = _render(kind, 1, False)
    assert c.size != a.size or c.tobytes() != a.tobytes()


def test_damaged_products_say_how_and_intact_ones_do_not():
    for seed in SEEDS:
        for held_out in (False, True):
            _, meta = _render("damaged_product", seed, held_out)
            assert meta["damage"] and meta["severity"] in ("subtle", "obvious")
            _, meta = _render("product", seed, held_out)
            assert meta.get("damage") is None


def test_printed_fields_look_right():
    for seed in SEEDS:
        for held_out in (False, True):
            _, meta = _render("receipt", seed, held_out)
            p = meta["printed"]
            assert re.fullmatch(r"\d+\.\d\d", p["amount"]) and p["currency"] in "£€$"
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", p["date_iso"])
            _, meta = _render("parcel", seed, held_out)
            assert re.fullmatch(r"(A-\d{5}|#\d{5}|ORD-\d{6})", meta["printed"]["order"])
            _, meta = _render("error_screen", seed, held_out)
            assert meta["printed"]["error_code"] and meta["printed"]["title"]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        images.render_image("selfie_stick", random.Random(0))


def test_photo_effects_is_deterministic_and_keeps_size():
    src = Image.new("RGB", (200, 150), (120, 140, 160))
    a = images.photo_effects(src, random.Random(5))
    b = images.photo_effects(src, random.Random(5))
    assert a.mode == "RGB" and a.size == src.size
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != src.tobytes()


@pytest.mark.parametrize("layout", ["appliance_panel", "car_dashboard", "card_terminal", "kiosk_screen"])
def test_device_error_photos_print_a_code(layout, monkeypatch):
    monkeypatch.setitem(images.LAYOUTS["error_screen"], "train", [layout])
    img, meta = images.render_image("error_screen", random.Random(3))
    assert meta["layout"] == layout and meta["presentation"] == "device_photo"
    assert meta["printed"]["error_code"] and meta["printed"]["title"]
    assert set(meta["printed"]) == {"error_code", "title"}   # only text that is drawn on the image


@pytest.mark.parametrize("layout", ["indoor_floor", "outdoor_ground"])
def test_floor_layouts_use_their_own_surfaces(layout, monkeypatch):
    for kind in ("product", "damaged_product"):
        monkeypatch.setitem(images.LAYOUTS[kind], "train", [layout])
        for seed in SEEDS:
            _, meta = images.render_image(kind, random.Random(seed))
            assert meta["background"] in images._FLOOR_BGS[layout]
            # the test split's doorstep surfaces are never reused for train products
            assert meta["background"] not in {"concrete", "tiles", "doormat", "grass"}
            assert (meta["damage"] is None) == (kind == "product")


@pytest.mark.parametrize("ptype", ["toaster", "remote_control", "camera"])
def test_added_train_products_render_intact_and_damaged(ptype, monkeypatch):
    assert ptype in images.PRODUCT_TYPES["train"]
    monkeypatch.setitem(images.PRODUCT_TYPES, "train", [ptype])
    for seed in SEEDS:
        _, meta = images.render_image("damaged_product", random.Random(seed))
        assert meta["product"] == ptype and meta["damage"]
        _, meta = images.render_image("product", random.Random(seed))
        assert meta["product"] == ptype and meta["damage"] is None


@pytest.mark.parametrize("ptype", images.GADGET_TYPES)
def test_gadgets_render_intact_and_damaged(ptype):
    """Gadgets (training bank only): each form renders intact with no damage and damaged with one, seed-fixed."""
    assert ptype in images._PRODUCT_DRAW and ptype not in images.PRODUCT_TYPES["test"]
    for seed in SEEDS:
        img, meta = images.render_image("damaged_product", random.Random(seed), product_types=[ptype])
        assert meta["product"] == ptype and meta["damage"]
        again, _ = images.render_image("damaged_product", random.Random(seed), product_types=[ptype])
        assert img.tobytes() == again.tobytes()
        _, meta = images.render_image("product", random.Random(seed), product_types=[ptype])
        assert meta["product"] == ptype and meta["damage"] is None


def test_held_out_product_types_are_never_drawn_outside_the_test_split():
    with pytest.raises(ValueError):
        images.render_image("product", random.Random(0), product_types=images.PRODUCT_TYPES["test"][:1])
    with pytest.raises(ValueError):
        images.render_image("product", random.Random(0), held_out=True, product_types=images.GADGET_TYPES)
