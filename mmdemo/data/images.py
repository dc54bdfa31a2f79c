"""Rendered, photo-like images of the six image kinds the assistant must recognise.

We have no photo data set, so every training image is drawn: an object (a receipt, a screen showing an error, a
product, the same product broken, a parcel, or an unrelated scene) is rendered flat with PIL and numpy, placed on a
procedural background (wood, carpet, desk, counter, fabric, ...) and "photographed": perspective warp, rotation,
scale, drop shadow, uneven light, vignetting, blur, sensor noise, white-balance and exposure errors.

    render_image(kind, rng, held_out=False, product_types=None) -> (PIL RGB image, metadata)
    photo_effects(img, rng) -> PIL RGB image            (the camera simulation alone)
    LAYOUTS[kind] = {"train": [...], "test": [...]}     (disjoint style names per kind)
    PRODUCT_TYPES = {"train": [...], "test": [...]}     (disjoint product types)
    GADGET_TYPES = [...]                                (procedural objects, drawn only for the training photo bank)

Layouts (train / val draw from "train", the test split only from "test"; disjoint per kind):
    receipt          train: till_receipt, a4_invoice, bank_statement                      test: restaurant_bill
    error_screen     train: os_dialog, web_error_page, mobile_alert, blue_screen, terminal_trace (screenshots or
                            photos of a monitor / laptop / phone), appliance_panel (washing machine / oven / air-con
                            panel with a seven-segment error code), car_dashboard (instrument cluster with a warning),
                            card_terminal (payment terminal showing a declined / error code), kiosk_screen (ATM /
                            self-checkout / ticket machine out of order)                   test: device_lcd
    product /        train: tabletop, studio, closeup, indoor_floor (parquet, rug, checkered linoleum, striped
    damaged_product         bedsheet, terrazzo, perforated metal), outdoor_ground (gravel, asphalt, brick, autumn
                            leaves, flagstone, sand)                                       test: doorstep
    parcel           train: box_with_label, label_closeup, padded_envelope                 test: poly_mailer
    other            train: skimage_photo, landscape, selfie, meme, food_plate, houseplant, street_scene, sky_clouds,
                            kids_drawing, aquarium                   test: skimage_photo_holdout, pet, abstract_art

Metadata: "kind", "layout", "product" (a type for product / damaged_product, else None), "split", and "printed":
the text drawn on the image that OCR should find. receipt: amount ("49.99"), currency, date (exactly as printed,
e.g. "14/03/2026"), date_iso, merchant, card (last 4 digits); parcel: order ("A-20931", "#88412" or
"ORD-123456"), tracking, name, city, postcode, carrier; error_screen: error_code, title. Extra keys where they
apply: damage and severity ("subtle" / "obvious") for damaged products, pattern, background, presentation
(screenshot / monitor_photo / laptop_photo / phone_photo / device_photo / photo), device (the appliance
of an appliance_panel), source (the scikit-image photo).

Most receipts and label close-ups are shot square-on and large (text >= ~15 px at output size, readable by
tesseract); about a fifth are small or casually tilted, as customers' photos often are.

Only the given ``random.Random`` (and numpy Generators seeded from it) is used, so a seed fixes the pixels.
"""
from __future__ import annotations

import math
import random
from datetime import date, timedelta
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from mmdemo.schema import IMAGE_KINDS

KINDS = IMAGE_KINDS

LAYOUTS: dict[str, dict[str, list[str]]] = {
    "receipt": {"train": ["till_receipt", "a4_invoice", "bank_statement"], "test": ["restaurant_bill"]},
    "error_screen": {"train": ["os_dialog", "web_error_page", "mobile_alert", "blue_screen", "terminal_trace",
                               "appliance_panel", "car_dashboard", "card_terminal", "kiosk_screen"],
                     "test": ["device_lcd"]},
    "product": {"train": ["tabletop", "studio", "closeup", "indoor_floor", "outdoor_ground"], "test": ["doorstep"]},
    "damaged_product": {"train": ["tabletop", "studio", "closeup", "indoor_floor", "outdoor_ground"],
                        "test": ["doorstep"]},
    "parcel": {"train": ["box_with_label", "label_closeup", "padded_envelope"], "test": ["poly_mailer"]},
    "other": {"train": ["skimage_photo", "landscape", "selfie", "meme", "food_plate", "houseplant", "street_scene",
                        "sky_clouds", "kids_drawing", "aquarium"],
              "test": ["skimage_photo_holdout", "pet", "abstract_art"]},
}

PRODUCT_TYPES: dict[str, list[str]] = {
    "train": ["phone", "headphones", "mug", "laptop", "sneaker", "lamp", "watch", "backpack", "speaker", "vase", "tv",
              "toaster", "remote_control", "camera"],
    "test": ["kettle", "game_controller", "tablet"],
}

# scikit-image's bundled photographs that load offline (no pooch); no mugs, products, documents or screens.
SKIMAGE_PHOTOS: dict[str, list[str]] = {
    "train": ["astronaut", "chelsea", "camera", "rocket", "moon", "grass", "gravel", "brick", "immunohistochemistry"],
    "test": ["hubble_deep_field", "retina", "coins", "cell"],
}

OUT_MIN, OUT_MAX = 320, 1280   # the long side of every output image lies in this range

# ============================================================================================ basic helpers
_FONT_FILES = {
    "sans": "DejaVuSans.ttf", "sans_bold": "DejaVuSans-Bold.ttf", "sans_light": "DejaVuSans-ExtraLight.ttf",
    "sans_cond": "DejaVuSansCondensed.ttf", "sans_cond_bold": "DejaVuSansCondensed-Bold.ttf",
    "serif": "DejaVuSerif.ttf", "serif_bold": "DejaVuSerif-Bold.ttf", "serif_italic": "DejaVuSerif-Italic.ttf",
    "mono": "DejaVuSansMono.ttf", "mono_bold": "DejaVuSansMono-Bold.ttf",
    "lsans": "LiberationSans-Regular.ttf", "lsans_bold": "LiberationSans-Bold.ttf",
    "lnarrow": "LiberationSansNarrow-Regular.ttf", "lnarrow_bold": "LiberationSansNarrow-Bold.ttf",
    "lserif": "LiberationSerif-Regular.ttf", "lserif_bold": "LiberationSerif-Bold.ttf",
    "lserif_italic": "LiberationSerif-Italic.ttf", "lmono": "LiberationMono-Regular.ttf",
    "lmono_bold": "LiberationMono-Bold.ttf",
}
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))


@lru_cache(maxsize=None)
def _font_path(name: str) -> str | None:
    fname = _FONT_FILES.get(name, name)
    for d in _FONT_DIRS:
        p = Path(d)
        if p.is_dir():
            for hit in p.rglob(fname):
                return str(hit)
    return None


@lru_cache(maxsize=2048)
def _font(name: str, size: float) -> ImageFont.FreeTypeFont:
    size = max(6, int(round(size)))
    path = _font_path(name) or _font_path("sans")
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _g(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(64))


def _clamp8(v: float) -> int:
    return int(max(0, min(255, round(v))))


def _jit(rng: random.Random, c, amt: float = 12.0) -> tuple:
    return tuple(_clamp8(v + rng.uniform(-amt, amt)) for v in c)


def _mix(c1, c2, t: float) -> tuple:
    return tuple(_clamp8(a + (b - a) * t) for a, b in zip(c1, c2))


def _scale(c, k: float) -> tuple:
    return tuple(_clamp8(v * k) for v in c)


def _lum(c) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _tsize(draw: ImageDraw.ImageDraw, text: str, font) -> tuple[int, int]:
    b = draw.textbbox((0, 0), text, font=font)
    return b[2] - b[0], b[3] - b[1]


def _wrap(draw, text: str, font, width: float) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        t = (cur + " " + word).strip()
        if cur and draw.textlength(t, font=font) > width:
            lines.append(cur)
            cur = word
        else:
            cur = t
    if cur:
        lines.append(cur)
    return lines


def _u8(a: np.ndarray) -> np.ndarray:
    return np.clip(a * 255.0 + 0.5, 0, 255).astype(np.uint8)


def _smooth(g: np.random.Generator, h: int, w: int, cell: float) -> np.ndarray:
    """Smooth value noise in ~[0, 1] with features about `cell` pixels wide."""
    cell = max(1.0, float(cell))
    sh, sw = int(h / cell) + 4, int(w / cell) + 4
    small = g.random((sh, sw), dtype=np.float32)
    im = Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC, box=(1.5, 1.5, sw - 2.5, sh - 2.5))
    return np.asarray(im, dtype=np.float32)


def _aniso(g, h: int, w: int, cy: float, cx: float) -> np.ndarray:
    """Noise stretched along x (streaks, fibres, wood grain)."""
    sh, sw = int(h / max(1.0, cy)) + 4, int(w / max(1.0, cx)) + 4
    small = g.random((sh, sw), dtype=np.float32)
    im = Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC, box=(1.5, 1.5, sw - 2.5, sh - 2.5))
    return np.asarray(im, dtype=np.float32)


def _fractal(g, h: int, w: int, cell: float, octaves: int = 3, gain: float = 0.5) -> np.ndarray:
    out = np.zeros((h, w), np.float32)
    amp, tot = 1.0, 0.0
    for _ in range(octaves):
        out += amp * _smooth(g, h, w, cell)
        tot += amp
        amp *= gain
        cell /= 2.0
    return out / tot


def _arr_img(a: np.ndarray) -> Image.Image:
    return Image.fromarray(_u8(a))


def _persp_coeffs(dst, src) -> tuple:
    """PIL PERSPECTIVE coefficients mapping output points `dst` to input points `src` (4 pairs)."""
    A = np.zeros((8, 8))
    b = np.zeros(8)
    for i, ((x, y), (u, v)) in enumerate(zip(dst, src)):
        A[2 * i] = [x, y, 1, 0, 0, 0, -u * x, -u * y]
        b[2 * i] = u
        A[2 * i + 1] = [0, 0, 0, x, y, 1, -v * x, -v * y]
        b[2 * i + 1] = v
    return tuple(np.linalg.solve(A, b).tolist())


def _warp_into(canvas: Image.Image, tex: Image.Image, quad) -> None:
    """Paste texture `tex` (RGB or RGBA) into the quadrilateral `quad` of the RGBA `canvas` (in place)."""
    tw, th = tex.size
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    x0, y0 = max(0, int(min(xs)) - 1), max(0, int(min(ys)) - 1)
    x1, y1 = min(canvas.width, int(max(xs)) + 2), min(canvas.height, int(max(ys)) + 2)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    local = [(x - x0, y - y0) for x, y in quad]
    try:
        coeffs = _persp_coeffs(local, [(0, 0), (tw, 0), (tw, th), (0, th)])
    except np.linalg.LinAlgError:
        return
    t = tex.convert("RGBA")
    out = t.transform((x1 - x0, y1 - y0), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    canvas.alpha_composite(out, (x0, y0))


def _out_size(rng: random.Random, lo: int = OUT_MIN, hi: int = OUT_MAX, portrait: float = 0.5,
              aspects=(4 / 3, 4 / 3, 3 / 2, 16 / 9, 1.0, 5 / 4)) -> tuple[int, int]:
    long = int(rng.uniform(lo, hi))
    short = max(OUT_MIN // 2, int(round(long / rng.choice(aspects))))
    return (short, long) if rng.random() < portrait else (long, short)


def _date_str(rng: random.Random, us: bool = False) -> tuple[str, str]:
    d = date(2025, 1, 1) + timedelta(days=rng.randint(0, 640))
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    fmts = [d.isoformat(), f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day:02d}.{d.month:02d}.{d.year}",
            f"{d.day:02d} {months[d.month - 1]} {d.year}"]
    if us:
        fmts = [d.isoformat(), f"{d.month:02d}/{d.day:02d}/{d.year}", f"{months[d.month - 1]} {d.day:02d}, {d.year}"]
    return rng.choice(fmts), d.isoformat()


# ============================================================================================ backgrounds
_WOODS = [(176, 132, 88), (112, 72, 42), (205, 170, 120), (150, 140, 128), (70, 46, 30), (190, 150, 105),
          (135, 95, 60), (222, 196, 160), (95, 62, 40)]
_CARPETS = [(120, 110, 100), (90, 95, 110), (150, 60, 60), (160, 150, 130), (70, 80, 70), (60, 60, 65),
            (180, 170, 150), (110, 90, 120), (200, 195, 185)]
_DESKS = [(235, 235, 232), (200, 200, 198), (40, 40, 42), (215, 190, 150), (90, 70, 55), (170, 180, 175),
          (225, 220, 210), (245, 244, 240), (60, 64, 70)]
_FABRICS = [(60, 80, 140), (170, 40, 50), (220, 215, 200), (50, 110, 80), (200, 160, 60), (90, 90, 95),
            (230, 180, 190), (40, 40, 50), (140, 110, 160), (110, 160, 190), (235, 235, 230)]


def _grid(h: int, w: int):
    return np.mgrid[0:h, 0:w].astype(np.float32)


def _bg_wood(g, rng, w, h):
    vert = rng.random() < 0.5
    if vert:
        w, h = h, w
    base = np.array(_jit(rng, rng.choice(_WOODS), 12), np.float32) / 255
    yy = np.arange(h, dtype=np.float32)[:, None]
    xx = np.arange(w, dtype=np.float32)[None, :]
    warp = _fractal(g, h, w, max(h, w) / 3, 3) * rng.uniform(8, 34)
    freq = rng.uniform(0.22, 0.6)
    rings = np.sin((yy + warp + xx * rng.uniform(-0.04, 0.04)) * freq)
    rings = (rings * 0.5 + 0.5) ** 4
    streak = _aniso(g, h, w, 1.3, rng.uniform(15, 50))
    ph = h * rng.uniform(0.14, 0.4)
    off = rng.uniform(0, ph)
    idx = ((yy + off) // ph).astype(np.int64)
    tone = g.uniform(0.84, 1.12, int(idx.max()) + 2).astype(np.float32)[idx]
    frac = (yy + off) % ph
    seam = np.where((frac < 1.0) | (frac > ph - 1.0), 0.5, 1.0).astype(np.float32)
    t = (1 - 0.2 * rings - 0.2 * (streak - 0.5)) * tone * seam
    img = base[None, None, :] * t[..., None]
    return img.transpose(1, 0, 2) if vert else img


def _bg_carpet(g, rng, w, h):
    base = np.array(_jit(rng, rng.choice(_CARPETS), 14), np.float32) / 255
    fine = g.random((h, w), dtype=np.float32)
    mid = _smooth(g, h, w, 2.5)
    low = _fractal(g, h, w, max(h, w) / 4, 2)
    t = 0.66 + 0.2 * fine + 0.22 * mid + 0.18 * (low - 0.5)
    img = base[None, None, :] * t[..., None]
    if rng.random() < 0.3:  # flecks of a second colour
        c2 = np.array(_jit(rng, rng.choice(_CARPETS), 20), np.float32) / 255
        m = (fine > 0.9)[..., None] * 0.6
        img = img * (1 - m) + c2 * m
    return img


def _bg_desk(g, rng, w, h):
    base = np.array(_jit(rng, rng.choice(_DESKS), 8), np.float32) / 255
    t = 1 + 0.06 * (_fractal(g, h, w, max(h, w) / 2, 2) - 0.5) + 0.02 * (g.random((h, w), dtype=np.float32) - 0.5)
    img = base[None, None, :] * t[..., None]
    if rng.random() < 0.4:  # a desk mat partly in view
        mat = np.array(_jit(rng, rng.choice([(40, 40, 44), (60, 70, 90), (90, 60, 40), (30, 60, 50)]), 8),
                       np.float32) / 255
        m = Image.new("L", (w, h), 0)
        x0, y0 = rng.uniform(-0.3, 0.2) * w, rng.uniform(-0.3, 0.2) * h
        ImageDraw.Draw(m).rounded_rectangle([x0, y0, x0 + rng.uniform(0.7, 1.3) * w, y0 + rng.uniform(0.7, 1.3) * h],
                                            radius=int(0.03 * w), fill=255)
        mk = np.asarray(m.filter(ImageFilter.GaussianBlur(0.8)), np.float32)[..., None] / 255
        img = img * (1 - mk) + mat[None, None, :] * t[..., None] * mk
    return img


def _bg_counter(g, rng, w, h):
    style = rng.choice(["granite", "quartz", "marble"])
    yy, xx = _grid(h, w)
    if style == "marble":
        base = np.array(_jit(rng, (236, 234, 230), 8), np.float32) / 255
        a = rng.uniform(0, math.pi)
        turb = _fractal(g, h, w, max(h, w) / 2, 5, 0.55)
        v = np.abs(np.sin((xx * math.cos(a) + yy * math.sin(a)) * rng.uniform(0.006, 0.014) + turb * 4))
        vein = (1 - v) ** 40 * (0.4 + _smooth(g, h, w, max(h, w) / 4))
        t = 1 - rng.uniform(0.2, 0.4) * vein - 0.07 * turb
        return base[None, None, :] * t[..., None]
    base = np.array(_jit(rng, rng.choice([(60, 58, 58), (120, 115, 110), (200, 195, 185), (30, 30, 34),
                                             (170, 150, 120), (235, 232, 226)]), 10), np.float32) / 255
    s1 = _smooth(g, h, w, 1.3)
    low = _fractal(g, h, w, max(h, w) / 3, 2)
    t = 0.9 + 0.15 * (low - 0.5)
    img = base[None, None, :] * t[..., None]
    amt = 0.55 if style == "granite" else 0.25
    light = np.clip((s1 - 0.72) * 6, 0, 1)[..., None] * amt
    dark = np.clip((0.28 - s1) * 6, 0, 1)[..., None] * amt
    img = img * (1 - light) + 0.92 * light
    img = img * (1 - dark) + 0.08 * dark
    return img


def _bg_fabric(g, rng, w, h):
    base = np.array(_jit(rng, rng.choice(_FABRICS), 15), np.float32) / 255
    yy, xx = _grid(h, w)
    p = rng.uniform(2.2, 4.0)
    weave = np.sin(xx * 2 * math.pi / p) * np.sin(yy * 2 * math.pi / p)
    folds = _fractal(g, h, w, max(h, w) / rng.uniform(2, 5), 2)
    t = (0.72 + 0.45 * folds) * (1 + 0.05 * weave) * (1 + 0.06 * (g.random((h, w), dtype=np.float32) - 0.5))
    img = base[None, None, :] * np.ones((h, w, 1), np.float32)
    r = rng.random()
    if r < 0.35:  # plaid / check pattern
        c2 = np.array(_jit(rng, rng.choice(_FABRICS), 20), np.float32) / 255
        per = rng.uniform(18, 60)
        sx = ((xx % per) < per * 0.35)[..., None]
        sy = ((yy % per) < per * 0.35)[..., None]
        img = img * (1 - 0.45 * sx) + c2 * 0.45 * sx
        img = img * (1 - 0.45 * sy) + c2 * 0.45 * sy
    elif r < 0.5:  # polka dots
        c2 = np.array(_jit(rng, rng.choice(_FABRICS), 20), np.float32) / 255
        per = rng.uniform(14, 40)
        d = ((xx % per) - per / 2) ** 2 + ((yy % per) - per / 2) ** 2
        m = (d < (per * 0.22) ** 2)[..., None] * 0.85
        img = img * (1 - m) + c2 * m
    return img * t[..., None]


def _bg_concrete(g, rng, w, h):
    base = np.array(_jit(rng, (150, 148, 143), 18), np.float32) / 255
    f = _fractal(g, h, w, max(h, w) / 3, 5, 0.6)
    fine = g.random((h, w), dtype=np.float32)
    pits = np.clip((0.04 - fine) * 25, 0, 1)
    t = 0.8 + 0.35 * (f - 0.5) + 0.06 * (fine - 0.5) - 0.35 * pits
    return base[None, None, :] * t[..., None]


def _bg_tiles(g, rng, w, h):
    base = np.array(_jit(rng, rng.choice([(200, 190, 175), (150, 90, 70), (90, 95, 100), (230, 228, 222),
                                             (120, 110, 100)]), 15), np.float32) / 255
    grout = np.array(_jit(rng, (170, 165, 155), 25), np.float32) / 255
    yy, xx = _grid(h, w)
    ts = rng.uniform(0.12, 0.3) * max(w, h)
    ix, iy = (xx // ts).astype(np.int64), (yy // ts).astype(np.int64)
    tone = g.uniform(0.88, 1.1, (int(iy.max()) + 1, int(ix.max()) + 1)).astype(np.float32)[iy, ix]
    gw = max(1.5, ts * 0.025)
    gm = (((xx % ts) < gw) | ((yy % ts) < gw))[..., None].astype(np.float32)
    t = tone * (1 + 0.08 * (_fractal(g, h, w, ts / 2, 3) - 0.5))
    img = base[None, None, :] * t[..., None]
    return img * (1 - gm) + grout * gm


def _bg_doormat(g, rng, w, h):
    base = np.array(_jit(rng, (150, 110, 65), 15), np.float32) / 255
    f1 = _aniso(g, h, w, 1.0, 6)
    f2 = _aniso(g, w, h, 1.0, 6).T
    fine = g.random((h, w), dtype=np.float32)
    t = 0.65 + 0.25 * f1 + 0.2 * f2 + 0.2 * fine
    img = base[None, None, :] * t[..., None]
    if rng.random() < 0.5:  # dark border band
        m = Image.new("L", (w, h), 255)
        b = int(rng.uniform(0.05, 0.12) * min(w, h))
        ImageDraw.Draw(m).rectangle([b, b, w - b, h - b], fill=0)
        mk = np.asarray(m, np.float32)[..., None] / 255 * 0.6
        img = img * (1 - mk)
    return img


def _bg_studio(g, rng, w, h):
    top = np.array(_jit(rng, rng.choice([(235, 235, 235), (215, 218, 222), (245, 240, 232), (200, 215, 230),
                                            (230, 215, 215), (70, 72, 78), (180, 185, 190)]), 8), np.float32) / 255
    bot = top * rng.uniform(0.75, 1.05)
    yy, xx = _grid(h, w)
    t = (yy / max(1, h - 1))[..., None]
    img = top * (1 - t) + bot * t
    spot = np.exp(-(((xx - w * rng.uniform(0.3, 0.7)) / (0.6 * w)) ** 2 + ((yy - h * 0.45) / (0.6 * h)) ** 2))
    return np.clip(img * (0.85 + 0.2 * spot[..., None]), 0, 1)


def _bg_room(g, rng, w, h):
    """A defocused room (for hand-held shots and screens)."""
    c1 = np.array(_jit(rng, rng.choice([(170, 160, 150), (90, 85, 80), (200, 200, 205), (120, 110, 95)]), 20),
                  np.float32) / 255
    c2 = np.array(_jit(rng, rng.choice([(60, 55, 50), (220, 215, 205), (110, 120, 130), (150, 120, 90)]), 20),
                  np.float32) / 255
    t = _fractal(g, h, w, max(h, w) / 1.5, 2)[..., None]
    img = c1 * (1 - t) + c2 * t
    m = _arr_img(np.clip(img, 0, 1))
    d = ImageDraw.Draw(m)
    for _ in range(rng.randint(3, 8)):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        s = rng.uniform(0.05, 0.35) * max(w, h)
        col = _jit(rng, rng.choice([(255, 240, 200), (60, 40, 30), (90, 120, 160), (200, 60, 50), (240, 240, 240),
                                    (40, 90, 50)]), 30)
        if rng.random() < 0.5:
            d.ellipse([x - s / 2, y - s / 2, x + s / 2, y + s / 2], fill=col)
        else:
            d.rectangle([x, y, x + s * rng.uniform(0.3, 1), y + s * rng.uniform(0.8, 2)], fill=col)
    small = m.resize((max(4, w // 4), max(4, h // 4)), Image.Resampling.BILINEAR)
    small = small.filter(ImageFilter.GaussianBlur(max(w, h) * rng.uniform(0.008, 0.02)))
    return np.asarray(small.resize((w, h), Image.Resampling.BILINEAR), np.float32) / 255


def _bg_grass(g, rng, w, h):
    base = np.array(_jit(rng, (80, 125, 55), 15), np.float32) / 255
    f = _fractal(g, h, w, max(h, w) / 4, 3)
    blades = _aniso(g, w, h, 1.0, 5).T
    t = 0.6 + 0.35 * f + 0.3 * (blades - 0.5) + 0.1 * g.random((h, w), dtype=np.float32)
    return base[None, None, :] * t[..., None]


_BG_FUNCS = {"wood": _bg_wood, "carpet": _bg_carpet, "desk": _bg_desk, "counter": _bg_counter,
             "fabric": _bg_fabric, "concrete": _bg_concrete, "tiles": _bg_tiles, "doormat": _bg_doormat,
             "studio": _bg_studio, "room": _bg_room, "grass": _bg_grass}


def _background(name: str, g, rng, W: int, H: int) -> Image.Image:
    s = min(1.0, 440.0 / max(W, H))
    w, h = max(8, int(W * s)), max(8, int(H * s))
    a = _BG_FUNCS[name](g, rng, w, h)
    img = _arr_img(np.clip(a, 0, 1))
    if img.size != (W, H):
        img = img.resize((W, H), Image.Resampling.BILINEAR)
    return img


# ============================================================================================ painter
class _Painter:
    """A premultiplied RGBA float canvas that paints PIL-drawn masks with shading, bbox-limited for speed."""

    def __init__(self, w: int, h: int, g: np.random.Generator | None = None):
        self.w, self.h = int(w), int(h)
        self.rgb = np.zeros((self.h, self.w, 3), np.float32)
        self.a = np.zeros((self.h, self.w), np.float32)
        self.g = g if g is not None else np.random.default_rng(0)
        self._noise = None

    def noise(self) -> np.ndarray:
        if self._noise is None:
            self._noise = 0.6 * self.g.random((self.h, self.w), dtype=np.float32) + 0.4 * _smooth(self.g, self.h,
                                                                                                   self.w, 3)
        return self._noise

    def mask(self, fn, blur: float = 0.0) -> Image.Image:
        m = Image.new("L", (self.w, self.h), 0)
        fn(ImageDraw.Draw(m))
        if blur > 0:
            m = m.filter(ImageFilter.GaussianBlur(blur))
        return m

    def paint(self, m: Image.Image, color, shade=None, opacity: float = 1.0, edge=None, on: bool = False,
              clip: Image.Image | None = None, tex: float = 0.0, under: bool = False):
        """Blend `color` (RGB tuple, or fn(x0, y0, x1, y1) -> HxWx3 array in 0..1) through the L mask `m`.
        shade: fn(xx, yy) -> multiplier; edge: (strength, radius) darkens toward the mask edge (3-D look);
        on: paint only where something is already painted; clip: an L mask that limits the paint;
        tex: amplitude of a fine surface texture."""
        if clip is not None:
            m = ImageChops.multiply(m, clip)
        box = m.getbbox()
        if box is None:
            return m
        x0, y0, x1, y1 = box
        mk = np.asarray(m.crop(box), np.float32) * (opacity / 255.0)
        sl = np.s_[y0:y1, x0:x1]
        if on:
            mk = mk * self.a[sl]
        elif under:
            mk = mk * (1 - self.a[sl])
        if callable(color):
            col = np.asarray(color(x0, y0, x1, y1), np.float32)
        else:
            col = np.empty((y1 - y0, x1 - x0, 3), np.float32)
            col[:] = np.asarray(color[:3], np.float32) / 255.0
        f = None
        if shade is not None:
            yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
            f = np.asarray(shade(xx, yy), np.float32)
        if edge:
            st, rad = edge
            pad = int(rad * 2.5) + 2
            bx = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
            em = m.crop(bx).filter(ImageFilter.GaussianBlur(rad))
            eb = np.asarray(em, np.float32)[pad:pad + y1 - y0, pad:pad + x1 - x0] / 255.0
            ef = 1 - st * np.clip(1 - eb, 0, 1) * 1.6
            f = ef if f is None else f * ef
        if tex:
            tf = 1 + tex * (self.noise()[sl] - 0.5)
            f = tf if f is None else f * tf
        if f is not None:
            col = col * f[..., None]
        mk3 = mk[..., None]
        self.rgb[sl] = self.rgb[sl] * (1 - mk3) + np.clip(col, 0, 1.2) * mk3
        if not on:
            self.a[sl] = mk + self.a[sl] * (1 - mk)
        return m

    # shape helpers -------------------------------------------------------------------------------
    def poly(self, pts, color, blur=0.0, **kw):
        pts = [tuple(map(float, p)) for p in pts]
        return self.paint(self.mask(lambda d: d.polygon(pts, fill=255), blur), color, **kw)

    def ellipse(self, box, color, blur=0.0, **kw):
        return self.paint(self.mask(lambda d: d.ellipse([float(v) for v in box], fill=255), blur), color, **kw)

    def rrect(self, box, r, color, blur=0.0, **kw):
        box = [float(v) for v in box]
        r = max(0, min(float(r), (box[2] - box[0]) / 2 - 0.5, (box[3] - box[1]) / 2 - 0.5))
        return self.paint(self.mask(lambda d: d.rounded_rectangle(box, radius=r, fill=255), blur), color, **kw)

    def line(self, pts, width, color, blur=0.0, **kw):
        pts = [tuple(map(float, p)) for p in pts]
        return self.paint(self.mask(lambda d: d.line(pts, fill=255, width=max(1, int(round(width))), joint="curve"),
                                    blur), color, **kw)

    def text(self, xy, s, font, color, anchor="la", blur=0.0, **kw):
        return self.paint(self.mask(lambda d: d.text(xy, s, font=font, fill=255, anchor=anchor), blur), color, **kw)

    def image_in(self, img: Image.Image, box, m: Image.Image, **kw):
        """Paint an RGB image stretched over `box`, through mask m."""
        bx0, by0, bx1, by1 = [int(round(v)) for v in box]
        arr = np.asarray(img.convert("RGB").resize((max(1, bx1 - bx0), max(1, by1 - by0)),
                                                   Image.Resampling.BILINEAR), np.float32) / 255.0

        def col(x0, y0, x1, y1):
            out = np.zeros((y1 - y0, x1 - x0, 3), np.float32)
            sx0, sy0 = max(x0, bx0), max(y0, by0)
            sx1, sy1 = min(x1, bx1), min(y1, by1)
            if sx1 > sx0 and sy1 > sy0:
                out[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = arr[sy0 - by0:sy1 - by0, sx0 - bx0:sx1 - bx0]
            return out
        return self.paint(m, col, **kw)

    def multiply_region(self, box, fn):
        """rgb[box] *= fn(xx, yy) (fn returns HxW multipliers); for dents and burns."""
        x0, y0, x1, y1 = [int(v) for v in box]
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(self.w, x1), min(self.h, y1)
        if x1 <= x0 or y1 <= y0:
            return
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        f = np.asarray(fn(xx, yy), np.float32)
        self.rgb[y0:y1, x0:x1] *= f[..., None] if f.ndim == 2 else f

    def erase(self, m: Image.Image) -> None:
        """Cut the mask out of the canvas (holes, chips, missing pieces)."""
        box = m.getbbox()
        if box is None:
            return
        x0, y0, x1, y1 = box
        k = 1 - np.asarray(m.crop(box), np.float32) / 255.0
        self.rgb[y0:y1, x0:x1] *= k[..., None]
        self.a[y0:y1, x0:x1] *= k

    def over(self, img: Image.Image, xy=(0, 0)) -> None:
        """Composite an RGBA image over the canvas."""
        arr = np.asarray(img.convert("RGBa"), np.float32) / 255.0
        x0, y0 = int(xy[0]), int(xy[1])
        h, w = arr.shape[:2]
        sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(self.w, x0 + w), min(self.h, y0 + h)
        if sx1 <= sx0 or sy1 <= sy0:
            return
        src = arr[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0]
        ab = src[..., 3]
        sl = np.s_[sy0:sy1, sx0:sx1]
        self.rgb[sl] = self.rgb[sl] * (1 - ab[..., None]) + src[..., :3]
        self.a[sl] = ab + self.a[sl] * (1 - ab)

    def layer(self, keep: np.ndarray) -> Image.Image:
        """An RGBA image of the canvas where keep (HxW 0..1) is set."""
        arr = np.concatenate([np.clip(self.rgb * keep[..., None], 0, 1), (self.a * keep)[..., None]], axis=2)
        return Image.frombytes("RGBa", (self.w, self.h), _u8(arr).tobytes()).convert("RGBA")

    def alpha_mask(self) -> Image.Image:
        return Image.fromarray(_u8(self.a))

    def image(self) -> Image.Image:
        arr = np.concatenate([np.clip(self.rgb, 0, 1), self.a[..., None]], axis=2)
        return Image.frombytes("RGBa", (self.w, self.h), _u8(arr).tobytes()).convert("RGBA")

    def set_image(self, img: Image.Image) -> None:
        arr = np.asarray(img.convert("RGBa"), np.float32) / 255.0
        self.rgb = np.ascontiguousarray(arr[..., :3])
        self.a = np.ascontiguousarray(arr[..., 3])


# shading functions ------------------------------------------------------------------------------------
def sh_cyl(x0: float, x1: float, lx: float = -0.35, lo: float = 0.45, hi: float = 1.1, cx_fn=None, r_fn=None):
    """Cylinder lit from the side lx (-1 left .. 1 right); cx_fn/r_fn give a varying axis/radius per row."""
    lz = math.sqrt(max(0.0, 1 - lx * lx))

    def f(xx, yy):
        if r_fn is not None:
            u = (xx - cx_fn(yy)) / np.maximum(1.0, r_fn(yy))
        else:
            u = (xx - (x0 + x1) / 2) / max(1.0, (x1 - x0) / 2)
        u = np.clip(u, -1, 1)
        nz = np.sqrt(1 - u * u)
        d = np.clip(u * lx + nz * lz, 0, 1)
        return lo + (hi - lo) * d
    return f


def sh_sphere(cx, cy, r, lx=-0.4, ly=-0.5, lo=0.4, hi=1.15):
    lz = math.sqrt(max(0.0, 1 - lx * lx - ly * ly))

    def f(xx, yy):
        u = np.clip((xx - cx) / r, -1, 1)
        v = np.clip((yy - cy) / r, -1, 1)
        nz = np.sqrt(np.clip(1 - u * u - v * v, 0, 1))
        return lo + (hi - lo) * np.clip(u * lx + v * ly + nz * lz, 0, 1)
    return f


def sh_lin(x0, y0, x1, y1, a=1.1, b=0.7):
    dx, dy = x1 - x0, y1 - y0
    n = max(1e-6, dx * dx + dy * dy)

    def f(xx, yy):
        t = np.clip(((xx - x0) * dx + (yy - y0) * dy) / n, 0, 1)
        return a + (b - a) * t
    return f


def sh_mul(*fns):
    def f(xx, yy):
        out = 1.0
        for fn in fns:
            out = out * fn(xx, yy)
        return out
    return f


# ============================================================================================ scene / camera
def _capsule(p0, p1, r, n=10):
    (x0, y0), (x1, y1) = p0, p1
    a = math.atan2(y1 - y0, x1 - x0)
    pts = []
    for i in range(n + 1):
        t = a - math.pi / 2 + math.pi * i / n
        pts.append((x1 + r * math.cos(t), y1 + r * math.sin(t)))
    for i in range(n + 1):
        t = a + math.pi / 2 + math.pi * i / n
        pts.append((x0 + r * math.cos(t), y0 + r * math.sin(t)))
    return pts


_SKINS = [(241, 200, 170), (224, 172, 138), (198, 140, 105), (160, 105, 75), (120, 80, 55), (90, 60, 42),
          (250, 215, 190)]


def _draw_hand(img: Image.Image, quad, hp: dict, g, part: str) -> Image.Image:
    """Fingers holding the object: part='under' draws the palm behind it, 'over' the thumb on top."""
    W, H = img.size
    P = _Painter(W, H, g)
    skin = hp["skin"]
    (ax, ay), (bx, by) = quad[3], quad[2]        # bottom edge of the object
    cx = sum(p[0] for p in quad) / 4
    cy = sum(p[1] for p in quad) / 4
    size = math.hypot(bx - ax, by - ay)
    t = hp["t"]
    px, py = ax + (bx - ax) * t, ay + (by - ay) * t
    dx, dy = cx - px, cy - py
    dl = max(1e-6, math.hypot(dx, dy))
    dx, dy = dx / dl, dy / dl
    r = max(8.0, min(W, H) * hp["r"])
    if part == "under":
        pts = _capsule((px - dx * 9 * r, py - dy * 9 * r), (px + dx * 0.3 * r, py + dy * 0.3 * r), 3.0 * r, 14)
        P.poly(pts, skin, shade=sh_lin(px, py, px - dx * 6 * r, py - dy * 6 * r, 1.05, 0.8), edge=(0.3, r * 0.6))
        for k in (-1, 1):   # fingertips peeking out beside the palm
            fx, fy = px + k * dy * 2.6 * r, py - k * dx * 2.6 * r
            P.poly(_capsule((fx - dx * 4 * r, fy - dy * 4 * r), (fx + dx * 0.6 * r, fy + dy * 0.6 * r), 0.8 * r),
                   _scale(skin, 0.95), edge=(0.4, r * 0.3))
    else:
        tip = (px + dx * r * 1.6 - dy * r * 0.8, py + dy * r * 1.6 + dx * r * 0.8)
        base = (px - dx * 4.5 * r - dy * r, py - dy * 4.5 * r + dx * r)
        pts = _capsule(base, tip, r * 0.85, 10)
        P.poly(pts, skin, edge=(0.45, r * 0.35),
               shade=lambda xx, yy: 0.8 + 0.3 * np.clip(((xx - tip[0]) * -dy + (yy - tip[1]) * dx) / r, -1, 1))
        nail = (tip[0] - dx * r * 0.35, tip[1] - dy * r * 0.35)
        P.ellipse([nail[0] - r * 0.45, nail[1] - r * 0.45, nail[0] + r * 0.45, nail[1] + r * 0.45],
                  _mix(skin, (255, 225, 225), 0.45), opacity=0.7, blur=r * 0.08)
    out = P.image()
    sh = out.getchannel("A").filter(ImageFilter.GaussianBlur(max(2, r * 0.3)))
    inv = ImageChops.invert(sh.point(lambda v: int(v * 0.35)))
    img = ImageChops.multiply(img, Image.merge("RGB", (inv, inv, inv)))
    img.paste(out, (0, 0), out)
    return img


def _compose(obj: Image.Image, bg: Image.Image, rng: random.Random, g, *, fill=(0.55, 0.85), rot: float = 25.0,
             persp: float = 0.12, shadow: float | None = None, crop: float = 0.0, hand: bool = False,
             lift: float = 1.0) -> tuple[Image.Image, list]:
    """Place the RGBA object on the background with a perspective warp and a soft drop shadow."""
    W, H = bg.size
    ow, oh = obj.size
    ang = math.radians(rng.uniform(-rot, rot))
    ca, sa = abs(math.cos(ang)), abs(math.sin(ang))
    f = rng.uniform(*fill)
    s = f * min(W / (ow * ca + oh * sa), H / (ow * sa + oh * ca))
    if s < 0.9:
        obj = obj.resize((max(2, round(ow * s)), max(2, round(oh * s))), Image.Resampling.BILINEAR, reducing_gap=2.0)
    w2, h2 = obj.size
    k = s * ow / w2
    hw, hh = w2 * k / 2, h2 * k / 2
    tx, ty = rng.uniform(-persp, persp), rng.uniform(-persp, persp)
    pts = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x = sx * hw * (1 + ty * sy) + rng.uniform(-1, 1) * persp * 0.15 * hw
        y = sy * hh * (1 + tx * sx) + rng.uniform(-1, 1) * persp * 0.15 * hh
        pts.append((x * math.cos(ang) - y * math.sin(ang), x * math.sin(ang) + y * math.cos(ang)))
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    bw, bh = max(xs) - min(xs), max(ys) - min(ys)

    def pick(lo_, hi_, extra):
        lo2, hi2 = lo_ - extra, hi_ + extra
        return rng.uniform(lo2, hi2) if hi2 > lo2 else (lo_ + hi_) / 2
    ox = pick(-min(xs), W - max(xs), crop * bw)
    oy = pick(-min(ys), H - max(ys), crop * bh)
    dst = [(x + ox, y + oy) for x, y in pts]
    bx0 = max(0, int(min(p[0] for p in dst)) - 1)
    by0 = max(0, int(min(p[1] for p in dst)) - 1)
    bx1 = min(W, int(max(p[0] for p in dst)) + 2)
    by1 = min(H, int(max(p[1] for p in dst)) + 2)
    coeffs = _persp_coeffs([(x - bx0, y - by0) for x, y in dst], [(0, 0), (w2, 0), (w2, h2), (0, h2)])
    part = obj.transform((max(1, bx1 - bx0), max(1, by1 - by0)), Image.Transform.PERSPECTIVE, coeffs,
                         Image.Resampling.BILINEAR)
    hp = None
    if hand:
        hp = {"t": rng.uniform(0.25, 0.75), "r": rng.uniform(0.035, 0.06), "skin": _jit(rng, rng.choice(_SKINS), 8)}
        bg = _draw_hand(bg, dst, hp, g, "under")
    strength = rng.uniform(0.25, 0.6) if shadow is None else shadow
    if strength > 0:
        size = max(bw, bh)
        la = rng.uniform(0, 2 * math.pi)
        dist = rng.uniform(0.01, 0.05) * size * lift
        rad = max(1.0, size * rng.uniform(0.015, 0.05) * lift)
        mg = int(dist + rad * 3 + 4)
        rx0, ry0 = max(0, bx0 - mg), max(0, by0 - mg)
        rx1, ry1 = min(W, bx1 + mg), min(H, by1 + mg)
        q = 4
        a = Image.new("L", (rx1 - rx0, ry1 - ry0), 0)
        a.paste(part.getchannel("A"), (bx0 - rx0, by0 - ry0))
        sw_, sh_ = max(1, (rx1 - rx0) // q), max(1, (ry1 - ry0) // q)
        sm = a.resize((sw_, sh_), Image.Resampling.BILINEAR)
        big = Image.new("L", sm.size, 0)
        big.paste(sm, (int(round(math.cos(la) * dist / q)), int(round(math.sin(la) * dist / q))))
        big = big.filter(ImageFilter.GaussianBlur(rad / q))
        tight = sm.filter(ImageFilter.GaussianBlur(max(0.6, size * 0.006 / q)))
        s1, s2 = strength, min(0.9, strength * 1.3)
        comb = ImageChops.lighter(big.point(lambda v: int(v * s1)), tight.point(lambda v: int(v * s2)))
        inv = ImageChops.invert(comb.resize((rx1 - rx0, ry1 - ry0), Image.Resampling.BILINEAR))
        region = ImageChops.multiply(bg.crop((rx0, ry0, rx1, ry1)), Image.merge("RGB", (inv, inv, inv)))
        bg.paste(region, (rx0, ry0))
    bg.paste(part, (bx0, by0), part)
    if hp is not None:
        bg = _draw_hand(bg, dst, hp, g, "over")
    return bg, dst


_NOISE_SIGMA = 12.0


@lru_cache(maxsize=1)
def _noise_tile() -> Image.Image:
    # A fixed tile of Gaussian noise around 128 (the same on every machine); images crop it at random offsets.
    n = np.random.default_rng(20260314).standard_normal((OUT_MAX + 256, OUT_MAX + 256), dtype=np.float32)
    return Image.fromarray(np.clip(128 + n * _NOISE_SIGMA, 0, 255).astype(np.uint8))


def photo_effects(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Simulate a phone camera: defocus or motion blur, uneven light, vignetting, white balance, exposure,
    contrast, saturation and sensor noise. Deterministic given rng."""
    g = _g(rng)
    img = img.convert("RGB")
    W, H = img.size
    L = max(W, H)
    # --- blur (box blurs are much cheaper than Gaussian ones and look the same at these radii)
    r = rng.random()
    if r < 0.4:
        img = img.filter(ImageFilter.BoxBlur(rng.uniform(0.3, 1.0) * strength * L / 1000))
    elif r < 0.5:
        d = rng.uniform(1.0, 3.0) * strength * L / 1000
        a = rng.uniform(0, math.pi)
        img = Image.blend(ImageChops.offset(img, int(round(math.cos(a) * d)), int(round(math.sin(a) * d))), img, 0.5)
    # --- light: gradient, hotspot and vignette, computed small then upscaled
    gh = 40
    gw = max(4, int(gh * W / H))
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    xx = xx / (gw - 1) * 2 - 1
    yy = yy / (gh - 1) * 2 - 1
    ta = rng.uniform(0, 2 * math.pi)
    grad = 1 + rng.uniform(0, 0.35) * strength * (xx * math.cos(ta) + yy * math.sin(ta))
    hot = 1 + rng.uniform(0, 0.3) * strength * np.exp(-((xx - rng.uniform(-0.7, 0.7)) ** 2 +
                                                       (yy - rng.uniform(-0.7, 0.7)) ** 2) / (2 * rng.uniform(0.2, 0.6) ** 2))
    vig = 1 - rng.uniform(0, 0.45) * strength * np.clip((xx ** 2 + yy ** 2) / 2, 0, 1) ** 1.3
    gain = grad * hot * vig
    mean_gain = float(gain.mean())
    gain = gain / gain.max()
    gimg = Image.fromarray(_u8(gain)).resize((W, H), Image.Resampling.BILINEAR)
    img = ImageChops.multiply(img, Image.merge("RGB", (gimg, gimg, gimg)))
    # --- saturation
    if rng.random() < 0.4:
        img = ImageEnhance.Color(img).enhance(rng.uniform(0.7, 1.25))
    # --- tone curve per channel: exposure, white balance, contrast, gamma (one LUT)
    ev = rng.uniform(-0.7, 0.55) * strength if rng.random() < 0.7 else 0.0
    expo = 2 ** ev / max(0.3, mean_gain / gain.max()) ** 0.7 if mean_gain > 0 else 1.0
    temp = rng.gauss(0, 0.06) * strength
    tint = rng.gauss(0, 0.03) * strength
    wb = [1 + temp, 1 + tint, 1 - temp]
    con = rng.uniform(0.85, 1.15)
    gam = rng.uniform(0.85, 1.2)
    lift = rng.uniform(0, 0.04)
    v = np.arange(256, dtype=np.float32) / 255
    lut = []
    for c in range(3):
        x = np.clip(v * expo * wb[c], 0, 1)
        x = np.clip((x - 0.5) * con + 0.5, 0, 1) ** gam
        x = lift + (1 - lift) * x
        lut.extend(_u8(x).tolist())
    img = img.point(lut)
    # --- sensor noise (stronger when underexposed): crops of a fixed noise tile, scaled by blending with grey
    sigma = rng.uniform(0.004, 0.028) * strength / max(0.5, 2 ** ev) ** 0.5
    tile = _noise_tile()
    grey = Image.new("L", (W, H), 128)
    k = min(1.0, sigma * 255 / _NOISE_SIGMA)
    ox, oy = rng.randint(0, tile.width - W), rng.randint(0, tile.height - H)
    lum = Image.blend(grey, tile.crop((ox, oy, ox + W, oy + H)), k)
    if rng.random() < 0.35:   # some chroma noise too
        ox, oy = rng.randint(0, tile.width - W), rng.randint(0, tile.height - H)
        c2 = Image.blend(lum, tile.crop((ox, oy, ox + W, oy + H)), 0.3 * k)
        chans = [lum, c2, lum]
    else:
        chans = [lum, lum, lum]
    img = ImageChops.add(img, Image.merge("RGB", chans), scale=1.0, offset=-128)
    return img


def _shoot(obj: Image.Image, bgname: str, rng, g, size, *, ws=(0.7, 1.0), effects: float = 1.0, bg=None, **kw):
    """Photograph `obj` on background `bgname`: compose at a working scale, camera effects, resize to `size`."""
    W, H = size
    s = rng.uniform(*ws)
    w, h = max(16, round(W * s)), max(16, round(H * s))
    if bg is None:
        bg = _background(bgname, g, rng, w, h)
    else:
        bg = bg.resize((w, h), Image.Resampling.BILINEAR)
    img, quad = _compose(obj, bg, rng, g, **kw)
    img = photo_effects(img, rng, strength=effects)
    if img.size != (W, H):
        img = img.resize((W, H), Image.Resampling.BILINEAR)
    return img, quad


# ============================================================================================ content pools
_FIRST = ["Olivia", "James", "Amelia", "Noah", "Sophie", "Liam", "Isla", "Oscar", "Mia", "Arjun", "Chloe", "Lucas",
          "Priya", "Tom", "Hannah", "Mateo", "Zara", "Ethan", "Aisha", "Daniel", "Grace", "Leo", "Fatima", "Jack",
          "Emma", "Yusuf", "Lena", "Ben", "Nora", "Sam", "Maria", "Kofi", "Elena", "Ravi", "Julia", "Omar"]
_LAST = ["Smith", "Jones", "Patel", "Taylor", "Brown", "Williams", "Khan", "Wilson", "Evans", "Thomas", "Roberts",
         "Walker", "Wright", "Green", "Hall", "Clarke", "Novak", "Garcia", "Rossi", "Kowalski", "Nguyen", "Silva",
         "Murphy", "Fischer", "Mensah", "Okafor", "Larsen", "Moreau", "Baker", "Hughes"]
_CITIES = ["London", "Manchester", "Bristol", "Leeds", "Glasgow", "Cardiff", "Edinburgh", "Birmingham", "Brighton",
           "York", "Liverpool", "Sheffield", "Oxford", "Cambridge", "Norwich", "Belfast", "Dublin", "Leicester",
           "Nottingham", "Southampton", "Aberdeen", "Bath", "Exeter", "Plymouth"]
_STREETS = ["High Street", "Station Road", "Church Lane", "Park Avenue", "Mill Road", "Victoria Street",
            "Kings Road", "Queen Street", "Elm Grove", "Harbour Way", "Market Square", "Oak Drive", "Riverside Walk",
            "Castle Street", "Green Lane", "Manor Close", "Bridge Street", "London Road", "Orchard Way"]
_MERCHANTS = [("Greenleaf Market", "grocery"), ("TechHub Electronics", "electronics"), ("Bright Home Store", "home"),
              ("ValueMart", "grocery"), ("Northside Pharmacy", "pharmacy"), ("Urban Outfit Co.", "clothing"),
              ("PixelPoint", "electronics"), ("The Daily Grind", "cafe"), ("Harbour Books", "books"),
              ("Oak & Iron Hardware", "hardware"), ("FreshWay Foods", "grocery"), ("Nova Sports", "sports"),
              ("Maple Kitchenware", "home"), ("CityMart Express", "grocery"), ("Gadget Galaxy", "electronics"),
              ("Bloom & Co", "home"), ("Stride Shoes", "clothing"), ("SoundWave Audio", "electronics")]
_ITEMS = {
    "grocery": [("Semi Skimmed Milk 2L", 1.2, 1.9), ("Sourdough Loaf", 2.1, 3.5), ("Free Range Eggs x12", 2.6, 4.2),
                ("Bananas loose", 0.6, 1.4), ("Cheddar 400g", 2.9, 4.5), ("Olive Oil 500ml", 3.9, 7.5),
                ("Basmati Rice 1kg", 1.8, 3.2), ("Orange Juice 1L", 1.5, 2.9), ("Greek Yoghurt", 1.1, 2.4),
                ("Coffee Beans 250g", 3.9, 8.9), ("Pasta Fusilli", 0.9, 1.8), ("Chicken Breast", 4.5, 7.9),
                ("Tomatoes 6pk", 1.1, 2.2), ("Dark Chocolate", 1.2, 2.9), ("Sparkling Water", 0.6, 1.3)],
    "electronics": [("USB-C Cable 2m", 7.99, 19.99), ("Wireless Mouse", 14.99, 39.99), ("HDMI Adapter", 9.99, 24.99),
                    ("Phone Case", 9.99, 29.99), ("Power Bank 10000", 19.99, 44.99), ("Earbuds X2", 29.99, 89.99),
                    ("Screen Protector", 6.99, 14.99), ("SD Card 128GB", 12.99, 29.99), ("Keyboard K3", 24.99, 79.99),
                    ("Wall Charger 30W", 14.99, 29.99), ("Smart Plug", 9.99, 19.99), ("LED Desk Lamp", 19.99, 49.99)],
    "home": [("Ceramic Mug", 4.5, 12.0), ("Tea Towel Set", 5.0, 12.0), ("Scented Candle", 6.0, 18.0),
             ("Cushion Cover", 8.0, 20.0), ("Glass Vase", 9.0, 25.0), ("Storage Box", 6.0, 15.0),
             ("Photo Frame", 5.0, 14.0), ("Bath Towel", 8.0, 22.0), ("Plant Pot", 4.0, 12.0)],
    "pharmacy": [("Paracetamol 16", 0.8, 2.5), ("Hand Cream", 2.5, 7.5), ("Vitamin D 90", 4.0, 9.0),
                 ("Toothpaste", 1.5, 4.0), ("Plasters x20", 1.8, 3.9), ("Sun Cream SPF50", 6.0, 14.0),
                 ("Shampoo 400ml", 2.5, 6.5), ("Cough Syrup", 4.0, 8.0)],
    "clothing": [("Cotton T-Shirt", 8.0, 25.0), ("Slim Jeans", 25.0, 60.0), ("Wool Socks 3pk", 6.0, 14.0),
                 ("Hoodie Grey", 22.0, 45.0), ("Running Shoes", 45.0, 110.0), ("Beanie Hat", 8.0, 18.0),
                 ("Rain Jacket", 35.0, 90.0), ("Leather Belt", 12.0, 30.0)],
    "cafe": [("Flat White", 2.8, 3.9), ("Cappuccino", 2.7, 3.8), ("Croissant", 1.8, 2.9), ("Avocado Toast", 5.5, 8.5),
             ("Blueberry Muffin", 2.2, 3.2), ("Iced Latte", 3.2, 4.5), ("Club Sandwich", 5.9, 8.9)],
    "books": [("Paperback Novel", 7.99, 12.99), ("Cookbook", 14.99, 26.0), ("Notebook A5", 4.5, 9.99),
              ("Travel Guide", 9.99, 18.99), ("Childrens Book", 5.99, 9.99), ("Gel Pens 5pk", 3.5, 6.5)],
    "hardware": [("Screws 4x40 x100", 2.5, 5.5), ("Claw Hammer", 9.0, 19.0), ("Paint Roller", 4.0, 9.0),
                 ("Masking Tape", 1.5, 3.5), ("Drill Bits Set", 9.0, 24.0), ("Extension Lead", 8.0, 18.0),
                 ("LED Bulb E27", 2.5, 6.0), ("Wood Glue", 3.0, 6.5)],
    "sports": [("Yoga Mat", 12.0, 30.0), ("Water Bottle", 6.0, 18.0), ("Tennis Balls x3", 4.0, 8.0),
               ("Gym Gloves", 8.0, 20.0), ("Resistance Band", 5.0, 14.0), ("Sports Socks", 5.0, 12.0)],
}
_CURRENCIES = [("£", "VAT", 0.20, True), ("£", "VAT", 0.20, True), ("€", "VAT", 0.21, True), ("€", "MwSt", 0.19, True),
               ("$", "Sales Tax", 0.0825, False), ("$", "Tax", 0.07, False)]
_RESTAURANT_ITEMS = [("Margherita Pizza", 9.5, 13.0), ("Caesar Salad", 7.5, 11.0), ("Fish & Chips", 12.0, 16.5),
                     ("Ribeye Steak", 22.0, 32.0), ("Tomato Soup", 5.5, 7.5), ("Garlic Bread", 3.5, 5.5),
                     ("House Red 175ml", 5.5, 8.5), ("Craft Lager", 4.8, 6.5), ("Tiramisu", 5.5, 7.5),
                     ("Sparkling Water", 2.5, 4.0), ("Spaghetti Carbonara", 11.0, 15.5), ("Espresso", 2.2, 3.2),
                     ("Chicken Burger", 11.5, 15.0), ("Sticky Toffee Pudding", 5.9, 7.9), ("Lemonade", 2.9, 3.9)]
_RESTAURANTS = ["Trattoria Bella", "The Golden Fork", "Harbour Kitchen", "Olive & Vine", "The Red Lion",
                "Sakura Garden", "Casa Miguel", "The Brasserie", "Spice Route", "Bistro 42"]


def _money(v: float) -> str:
    return f"{v:.2f}"


def _cur_amount(cur: str, amount: str, rng) -> str:
    return rng.choice([f"{cur}{amount}", f"{cur}{amount}", f"{cur} {amount}"]) if cur != "€" else \
        rng.choice([f"€{amount}", f"{amount} €", f"EUR {amount}"])


def _basket(rng, cat: str, n: int) -> list[tuple[str, int, float]]:
    pool = _ITEMS[cat]
    out = []
    for name, lo, hi in rng.sample(pool, min(n, len(pool))):
        qty = 1 if rng.random() < 0.75 else rng.randint(2, 3)
        out.append((name, qty, round(rng.uniform(lo, hi) * 20) / 20 - (0.01 if rng.random() < 0.5 else 0)))
    return out


def _postcode(rng) -> str:
    L = "ABCDEFGHJKLMNPRSTUVWXY"
    return f"{rng.choice(L)}{rng.choice(L)}{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice(L)}{rng.choice(L)}"


def _paper_shading(g, rng, w: int, h: int, crumple: float) -> Image.Image:
    """Multiplicative paper shading: folds, crumples and a curl gradient (computed small, upscaled)."""
    s = min(1.0, 300.0 / max(w, h))
    sw, sh = max(4, int(w * s)), max(4, int(h * s))
    yy, xx = _grid(sh, sw)
    t = 1 - crumple * 0.12 * (_fractal(g, sh, sw, max(sw, sh) / 4, 3) - 0.5)
    for _ in range(int(crumple * rng.randint(1, 5))):     # creases: a step of shade with a bright ridge
        a = rng.uniform(0, math.pi)
        c = rng.uniform(0.2, 0.8)
        dist = (xx / sw - 0.5) * math.cos(a) + (yy / sh - 0.5) * math.sin(a) - (c - 0.5)
        t = t * (1 - 0.05 * crumple * np.tanh(dist * 60)) + 0.05 * crumple * np.exp(-(dist * 120) ** 2)
    curl = 1 - rng.uniform(0, 0.08) * ((xx / sw - rng.uniform(0.3, 0.7)) * 2) ** 2
    t = t * curl
    return Image.fromarray(_u8(np.clip(t, 0, 1))).resize((w, h), Image.Resampling.BILINEAR)


def _finish_paper(img: Image.Image, g, rng, crumple: float, torn: str = "", ink_fade: float = 0.0) -> Image.Image:
    """Apply paper shading and an (optionally torn) outline; returns RGBA."""
    w, h = img.size
    img = img.convert("RGB")
    if ink_fade:   # thermal print fading across the paper: dark ink gets lighter
        fade = Image.fromarray(_u8(1 - ink_fade * _smooth(g, max(4, h // 8), max(4, w // 8), max(w, h) / 16)))
        fade = fade.resize((w, h), Image.Resampling.BILINEAR)
        img = ImageChops.invert(ImageChops.multiply(ImageChops.invert(img), Image.merge("RGB", (fade, fade, fade))))
    sh = _paper_shading(g, rng, w, h, crumple)
    out = ImageChops.multiply(img, Image.merge("RGB", (sh, sh, sh))).convert("RGBA")
    if torn:
        m = Image.new("L", (w, h), 255)
        d = ImageDraw.Draw(m)
        step = max(4, w // 40)
        for side in torn:
            y = 0 if side == "t" else h
            pts = [(0, y)]
            for x in range(0, w + step, step):
                dy = rng.uniform(0, step * 0.9)
                pts.append((x, dy if side == "t" else h - dy))
            pts.append((w, y))
            d.polygon(pts, fill=0)
        out.putalpha(m)
    return out


def _code128_modules(text: str) -> list[int]:
    """Bar/space widths (in modules) that look like Code 128: quiet zone, start, 6 elements/char, stop."""
    widths = [2, 1, 1, 2, 1, 4]    # start B
    h = 104
    for i, ch in enumerate(text):
        v = (ord(ch) * 31 + i * 17) % 97
        h = (h + ord(ch) * (i + 1)) % 103
        for code in (v, (v * 7 + 3) % 101):
            a = 1 + code % 4
            b = 1 + (code // 4) % 3
            c = 1 + (code // 12) % 3
            rest = 11 - (a + b + c)
            d = max(1, min(4, rest // 3 + code % 2))
            e = max(1, min(4, (rest - d) // 2))
            f = max(1, rest - d - e)
            widths += [a, b, c, d, e, f][: 6 if code == v else 0]
    widths += [1 + h % 4, 1 + (h // 4) % 3, 1 + (h // 12) % 3, 2, 1, 2]
    widths += [2, 3, 3, 1, 1, 1, 2]  # stop
    return widths


def _draw_barcode(d: ImageDraw.ImageDraw, box, text: str, color=(0, 0, 0)) -> None:
    x0, y0, x1, y1 = box
    widths = _code128_modules(text)
    total = sum(widths)
    mod = (x1 - x0) / total
    x = x0
    for i, wd in enumerate(widths):
        if i % 2 == 0:
            d.rectangle([x, y0, x + wd * mod - 0.01, y1], fill=color)
        x += wd * mod


def _draw_matrix_code(d, box, rng, color=(0, 0, 0), n=21) -> None:
    x0, y0, x1, _ = box
    c = (x1 - x0) / n
    for i in range(n):
        for j in range(n):
            finder = (i < 7 and j < 7) or (i < 7 and j >= n - 7) or (i >= n - 7 and j < 7)
            if finder:
                ii, jj = i % (n - 7) if i >= n - 7 else i, j % (n - 7) if j >= n - 7 else j
                on = ii in (0, 6) or jj in (0, 6) or (2 <= ii <= 4 and 2 <= jj <= 4)
            else:
                on = rng.random() < 0.5
            if on:
                d.rectangle([x0 + j * c, y0 + i * c, x0 + (j + 1) * c - 0.01, y0 + (i + 1) * c - 0.01], fill=color)


# ============================================================================================ receipts
def _receipt_common(rng):
    merchant, cat = rng.choice(_MERCHANTS)
    cur, taxname, rate, included = rng.choice(_CURRENCIES)
    return merchant, cat, cur, taxname, rate, included


def _till_receipt(rng, g):
    merchant, cat, cur, taxname, rate, included = _receipt_common(rng)
    mono = rng.random() < 0.65
    fname = rng.choice(["mono", "lmono", "mono_bold"]) if mono else rng.choice(["sans_cond", "lnarrow", "sans"])
    bold = {"mono": "mono_bold", "lmono": "lmono_bold", "mono_bold": "mono_bold", "sans_cond": "sans_cond_bold",
            "lnarrow": "lnarrow_bold", "sans": "sans_bold"}[fname]
    fs = rng.randint(20, 26)
    f, fb, fbig = _font(fname, fs), _font(bold, fs), _font(bold, fs * rng.uniform(1.3, 1.7))
    ncols = rng.randint(30, 38)
    cw = f.getlength("0")
    margin = int(fs * rng.uniform(1.0, 1.8))
    W = int(ncols * cw + 2 * margin)
    items = _basket(rng, cat, rng.randint(3, 8))
    sub = sum(q * p for _, q, p in items)
    if included:
        total = round(sub, 2)
        tax = round(total - total / (1 + rate), 2)
    else:
        tax = round(sub * rate, 2)
        total = round(sub + tax, 2)
    amount = _money(total)
    dstr, diso = _date_str(rng, us=cur == "$")
    card = f"{rng.randint(0, 9999):04d}"
    city = rng.choice(_CITIES)
    lines: list[tuple] = []     # (kind, text, right, font)
    lines.append(("c", merchant.upper() if rng.random() < 0.6 else merchant, None, fbig))
    lines.append(("c", f"{rng.randint(1, 220)} {rng.choice(_STREETS)}, {city}", None, f))
    lines.append(("c", f"Tel: 0{rng.randint(1000, 2999)} {rng.randint(100000, 999999)}", None, f))
    if cur != "$":
        lines.append(("c", f"VAT No: GB {rng.randint(100, 999)} {rng.randint(1000, 9999)} {rng.randint(10, 99)}",
                      None, f))
    lines.append(("sep",))
    lines.append(("lr", f"Date: {dstr}", f"{rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}", f))
    lines.append(("lr", f"Till {rng.randint(1, 9)}  Op: {rng.choice(_FIRST)}", f"#{rng.randint(1000, 9999)}", f))
    lines.append(("sep",))
    for name, q, p in items:
        if q > 1:
            lines.append(("lr", name, _money(q * p), f))
            lines.append(("l", f"  {q} x {_money(p)}", None, f))
        else:
            lines.append(("lr", name, _money(p), f))
    lines.append(("sep",))
    lines.append(("lr", "SUBTOTAL", _money(sub), f))
    if included:
        lines.append(("lr", f"{taxname} {int(rate * 100)}% incl.", _money(tax), f))
    else:
        lines.append(("lr", f"{taxname} {rate * 100:.2f}%".replace(".00", ""), _money(tax), f))
    lines.append(("lr", "TOTAL", _cur_amount(cur, amount, rng), fbig))
    lines.append(("sep",))
    lines.append(("lr", rng.choice(["CARD PAYMENT", "CONTACTLESS", "VISA DEBIT", "MASTERCARD"]), amount, f))
    lines.append(("l", f"Card: **** **** **** {card}", None, f))
    lines.append(("l", f"AUTH CODE: {rng.randint(100000, 999999)}", None, f))
    lines.append(("sep",))
    lines.append(("c", rng.choice(["Thank you for shopping!", "THANK YOU - PLEASE COME AGAIN",
                                   "Keep your receipt for returns", "Returns within 30 days with receipt"]), None, f))
    barcode = rng.random() < 0.6
    lh = int(fs * rng.uniform(1.25, 1.45))
    H = margin * 2 + sum(int(ln[3].size * 1.3) if ln[0] != "sep" else lh for ln in lines) + (int(fs * 3.5)
                                                                                            if barcode else 0)
    paper = _jit(rng, rng.choice([(248, 247, 242), (252, 252, 250), (245, 242, 232)]), 4)
    ink = _jit(rng, rng.choice([(25, 25, 30), (40, 40, 48), (55, 45, 70), (20, 20, 20)]), 8)
    img = Image.new("RGB", (W, H), paper)
    d = ImageDraw.Draw(img)
    y = margin
    for ln in lines:
        if ln[0] == "sep":
            ch = rng.choice(["-", "=", "*"]) if mono else "-"
            d.text((margin, y + lh * 0.1), ch * int((W - 2 * margin) / max(1, f.getlength(ch))), font=f, fill=ink)
            y += lh
            continue
        kind, text, right, ft = ln
        step = int(ft.size * 1.3)
        if kind == "c":
            d.text((W / 2, y), text, font=ft, fill=ink, anchor="ma")
        elif kind == "l":
            d.text((margin, y), text, font=ft, fill=ink)
        else:
            d.text((margin, y), text, font=ft, fill=ink)
            d.text((W - margin, y), right, font=ft, fill=ink, anchor="ra")
        y += step
    if barcode:
        _draw_barcode(d, (W * 0.2, y + fs * 0.5, W * 0.8, y + fs * 2.8), f"{rng.randint(10 ** 9, 10 ** 10)}", ink)
    obj = _finish_paper(img, g, rng, crumple=rng.uniform(0.3, 1.6), torn=rng.choice(["", "b", "tb", "t"]),
                        ink_fade=rng.uniform(0, 0.35))
    printed = {"amount": amount, "currency": cur, "date": dstr, "date_iso": diso, "merchant": merchant, "card": card}
    return obj, printed


def _a4_invoice(rng, g):
    merchant, cat, cur, taxname, rate, included = _receipt_common(rng)
    W = rng.randint(820, 900)
    H = int(W * 1.414)
    fn, fnb = rng.choice([("lsans", "lsans_bold"), ("sans", "sans_bold"), ("lserif", "lserif_bold"),
                          ("sans_cond", "sans_cond_bold")])
    fs = int(W / rng.uniform(44, 50))
    f, fb = _font(fn, fs), _font(fnb, fs)
    accent = _jit(rng, rng.choice([(30, 80, 160), (20, 120, 100), (160, 40, 50), (60, 60, 70), (200, 110, 20),
                                   (90, 50, 140)]), 15)
    img = Image.new("RGB", (W, H), _jit(rng, (252, 252, 250), 3))
    d = ImageDraw.Draw(img)
    m = int(W * 0.07)
    # header with a logo block
    ls = int(fs * 3.2)
    d.rounded_rectangle([m, m, m + ls, m + ls], radius=ls // 5, fill=accent)
    initials = "".join(w[0] for w in merchant.replace("&", "").split()[:2]).upper()
    d.text((m + ls / 2, m + ls / 2), initials, font=_font(fnb, ls * 0.45), fill=(255, 255, 255), anchor="mm")
    d.text((m + ls + fs, m + fs * 0.2), merchant, font=_font(fnb, fs * 1.5), fill=(20, 20, 25))
    city = rng.choice(_CITIES)
    d.text((m + ls + fs, m + fs * 2.1), f"{rng.randint(1, 220)} {rng.choice(_STREETS)}, {city} {_postcode(rng)}",
           font=f, fill=(70, 70, 75))
    d.text((W - m, m), "INVOICE" if rng.random() < 0.7 else "TAX INVOICE", font=_font(fnb, fs * 2.2), fill=accent,
           anchor="ra")
    dstr, diso = _date_str(rng, us=cur == "$")
    inv_no = f"INV-{rng.randint(2024, 2026)}-{rng.randint(100, 99999):05d}"
    y = m + ls + fs * 2
    for lab, val in (("Invoice No:", inv_no), ("Date:", dstr), ("Order:", f"#{rng.randint(10000, 99999)}")):
        d.text((W - m - fs * 17, y), lab, font=fb, fill=(40, 40, 45))
        d.text((W - m, y), val, font=f, fill=(40, 40, 45), anchor="ra")
        y += fs * 1.5
    yb = m + ls + fs * 2
    d.text((m, yb), "Bill to:", font=fb, fill=(40, 40, 45))
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    for i, t in enumerate([name, f"{rng.randint(1, 200)} {rng.choice(_STREETS)}", f"{rng.choice(_CITIES)} "
                                                                                  f"{_postcode(rng)}"]):
        d.text((m, yb + fs * 1.5 * (i + 1)), t, font=f, fill=(40, 40, 45))
    # table
    y = max(y, yb + fs * 6.5) + fs * 1.5
    cols = [m, W * 0.55, W * 0.67, W - m]
    d.rectangle([m, y, W - m, y + fs * 1.9], fill=accent)
    tc = (255, 255, 255)
    d.text((cols[0] + fs * 0.5, y + fs * 0.45), "Description", font=fb, fill=tc)
    d.text((cols[1] + fs * 2, y + fs * 0.45), "Qty", font=fb, fill=tc, anchor="ma")
    d.text((cols[2] + fs * 5.5, y + fs * 0.45), "Unit price", font=fb, fill=tc, anchor="ra")
    d.text((cols[3] - fs * 0.5, y + fs * 0.45), "Amount", font=fb, fill=tc, anchor="ra")
    y += fs * 1.9
    items = _basket(rng, cat, rng.randint(2, 6))
    zebra = rng.random() < 0.5
    for i, (nm, q, p) in enumerate(items):
        if zebra and i % 2:
            d.rectangle([m, y, W - m, y + fs * 1.9], fill=_mix(accent, (255, 255, 255), 0.9))
        d.text((cols[0] + fs * 0.5, y + fs * 0.45), nm, font=f, fill=(30, 30, 35))
        d.text((cols[1] + fs * 2, y + fs * 0.45), str(q), font=f, fill=(30, 30, 35), anchor="ma")
        d.text((cols[2] + fs * 5.5, y + fs * 0.45), _money(p), font=f, fill=(30, 30, 35), anchor="ra")
        d.text((cols[3] - fs * 0.5, y + fs * 0.45), _money(p * q), font=f, fill=(30, 30, 35), anchor="ra")
        y += fs * 1.9
        d.line([m, y, W - m, y], fill=(210, 210, 215), width=1)
    sub = round(sum(q * p for _, q, p in items), 2)
    if included:
        total = sub
        tax = round(total - total / (1 + rate), 2)
        net = round(total - tax, 2)
    else:
        net = sub
        tax = round(sub * rate, 2)
        total = round(sub + tax, 2)
    amount = _money(total)
    y += fs
    for lab, val, ft in (("Subtotal", _money(net), f), (f"{taxname} ({rate * 100:g}%)", _money(tax), f),
                         ("Total", _cur_amount(cur, amount, rng), _font(fnb, fs * 1.35))):
        d.text((W * 0.58, y), lab, font=ft, fill=(30, 30, 35))
        d.text((W - m - fs * 0.5, y), val, font=ft, fill=(30, 30, 35), anchor="ra")
        y += ft.size * 1.6
    card = f"{rng.randint(0, 9999):04d}"
    y += fs
    d.text((m, y), f"Paid by card ending {card} on {dstr}. Thank you for your business.", font=f, fill=(60, 60, 65))
    d.text((m, H - m), f"{merchant} Ltd - Registered in England No. {rng.randint(10 ** 7, 10 ** 8 - 1)}"
                       f" - {taxname} reg. {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
           font=_font(fn, fs * 0.8), fill=(120, 120, 125), anchor="ls")
    if rng.random() < 0.45:   # photographed half page
        img = img.crop((0, 0, W, int(min(H, y + fs * 4))))
    obj = _finish_paper(img, g, rng, crumple=rng.uniform(0.1, 1.0))
    return obj, {"amount": amount, "currency": cur, "date": dstr, "date_iso": diso, "merchant": merchant,
                 "card": card}


_BANKS = ["Northbridge Bank", "Meridian Bank", "Sterling & Co", "Harbour Building Society", "Crest Bank",
          "Unity Savings", "Atlas Bank"]
_STATEMENT_DESC = ["DIRECT DEBIT COUNCIL TAX", "FASTER PAYMENT FROM {first} {last}", "STANDING ORDER RENT",
                   "DD BRITISH GAS", "CARD PAYMENT TO TFL TRAVEL", "CASH WITHDRAWAL ATM", "SALARY ACME LTD",
                   "DD NETFLIX.COM", "CARD PAYMENT TO SHELL", "DD VODAFONE", "TRANSFER TO SAVINGS",
                   "CARD PAYMENT TO AMAZON MKTP"]


def _bank_statement(rng, g):
    merchant, _cat, cur, *_ = _receipt_common(rng)
    W = rng.randint(860, 960)
    fn, fnb = rng.choice([("lsans", "lsans_bold"), ("sans_cond", "sans_cond_bold"), ("lnarrow", "lnarrow_bold")])
    fs = int(W / rng.uniform(44, 50))
    f, fb = _font(fn, fs), _font(fnb, fs)
    bank = rng.choice(_BANKS)
    accent = _jit(rng, rng.choice([(0, 90, 70), (20, 50, 120), (150, 20, 40), (60, 30, 90), (0, 110, 160)]), 10)
    nrows = rng.randint(7, 12)
    rh = fs * 1.8
    m = int(W * 0.05)
    H = int(m * 2 + fs * 9 + rh * (nrows + 2))
    img = Image.new("RGB", (W, H), _jit(rng, (252, 252, 250), 3))
    d = ImageDraw.Draw(img)
    d.text((m, m), bank, font=_font(fnb, fs * 1.8), fill=accent)
    card = f"{rng.randint(0, 9999):04d}"
    d.text((W - m, m), "Statement of account", font=fb, fill=(40, 40, 45), anchor="ra")
    d.text((W - m, m + fs * 1.5), f"Account no. ****{card}", font=f, fill=(60, 60, 65), anchor="ra")
    d.text((m, m + fs * 3), f"{rng.choice(_FIRST).upper()} {rng.choice(_LAST).upper()}", font=fb,
           fill=(40, 40, 45))
    base = date(2025, 1, 1) + timedelta(days=rng.randint(0, 600))
    d.text((m, m + fs * 4.5), f"Period: {base.strftime('%d %b %Y')} to "
                              f"{(base + timedelta(days=30)).strftime('%d %b %Y')}", font=f, fill=(60, 60, 65))
    y = m + fs * 7
    xd, xdesc = m + fs * 0.3, m + fs * 6.8
    rights = [W * 0.70, W * 0.83, W - m - fs * 0.3]
    d.rectangle([m, y, W - m, y + rh], fill=_mix(accent, (255, 255, 255), 0.82))
    d.text((xd, y + rh * 0.22), "Date", font=fb, fill=(30, 30, 35))
    d.text((xdesc, y + rh * 0.22), "Description", font=fb, fill=(30, 30, 35))
    for x, t in zip(rights, ["Paid out", "Paid in", "Balance"]):
        d.text((x, y + rh * 0.22), t, font=fb, fill=(30, 30, 35), anchor="ra")
    y += rh
    target = rng.randint(1, nrows - 3)
    dup = rng.random() < 0.5
    amount = _money(round(rng.uniform(8, 400), 2) - (0.01 if rng.random() < 0.5 else 0))
    bal = rng.uniform(400, 4000)
    fmt = rng.choice(["%d %b", "%d/%m/%Y", "%d %b %y", "%Y-%m-%d"])
    day, tday = base, base
    for i in range(nrows):
        day = day + timedelta(days=rng.randint(0, 3))
        if i == target:
            tday = day
        if i == target or (dup and i == target + 1):
            day = tday
            desc = f"CARD PAYMENT TO {merchant.upper()}"
            out, inn = float(amount), None
        else:
            desc = rng.choice(_STATEMENT_DESC).format(first=rng.choice(_FIRST).upper(), last=rng.choice(_LAST).upper())
            if desc.startswith(("SALARY", "FASTER PAYMENT FROM")):
                out, inn = None, round(rng.uniform(20, 2500), 2)
            else:
                out, inn = round(rng.uniform(3, 250), 2), None
        bal = bal - (out or 0) + (inn or 0)
        if i % 2 == 1:
            d.rectangle([m, y, W - m, y + rh], fill=(244, 244, 246))
        d.text((xd, y + rh * 0.22), day.strftime(fmt), font=f, fill=(30, 30, 35))
        d.text((xdesc, y + rh * 0.22), desc[:30], font=f, fill=(30, 30, 35))
        for x, v in zip(rights, (out, inn, bal)):
            if v is not None:
                d.text((x, y + rh * 0.22), _money(v), font=f, fill=(30, 30, 35), anchor="ra")
        y += rh
    dstr = tday.strftime(fmt)
    # a highlighter stroke over the target row(s), or a pen circle
    hl = Image.new("RGB", (W, H), (255, 255, 255))
    hd = ImageDraw.Draw(hl)
    ty = m + fs * 7 + rh * (target + 1)
    nr = 2 if dup else 1
    if rng.random() < 0.65:
        col = rng.choice([(255, 240, 80), (140, 255, 120), (255, 160, 200), (120, 220, 255)])
        pts = [(m - fs * 0.5 + rng.uniform(-5, 5), ty + rng.uniform(0, 4))]
        pts += [(W - m + fs * 0.3 + rng.uniform(-8, 8), ty + rng.uniform(0, 4)),
                (W - m + fs * 0.3 + rng.uniform(-8, 8), ty + rh * nr + rng.uniform(-4, 0)),
                (m - fs * 0.5 + rng.uniform(-5, 5), ty + rh * nr + rng.uniform(-4, 0))]
        hd.polygon(pts, fill=col)
        hl = hl.filter(ImageFilter.GaussianBlur(1.2))
    else:
        col = rng.choice([(200, 30, 30), (30, 60, 200), (20, 20, 20)])
        cx, cy = W * 0.55, ty + rh * nr / 2
        rx, ry = W * 0.5, rh * nr * 0.75
        pts = [(cx + rx * math.cos(t) * rng.uniform(0.98, 1.02), cy + ry * math.sin(t) * rng.uniform(0.96, 1.04))
               for t in np.linspace(0.2, 2 * math.pi + 0.6, 60)]
        hd.line(pts, fill=col, width=max(2, fs // 6), joint="curve")
    img = ImageChops.multiply(img, hl)
    obj = _finish_paper(img, g, rng, crumple=rng.uniform(0.1, 1.0), torn=rng.choice(["", "b", "t"]))
    return obj, {"amount": amount, "currency": cur, "date": dstr, "date_iso": tday.isoformat(), "merchant": merchant,
                 "card": card, "duplicate_charge": dup}


def _restaurant_bill(rng, g):
    name = rng.choice(_RESTAURANTS)
    cur, taxname, rate, included = rng.choice(_CURRENCIES[:4])
    fn, fnb = rng.choice([("serif", "serif_bold"), ("lserif", "lserif_bold"), ("sans", "sans_bold"),
                          ("lmono", "lmono_bold")])
    fs = rng.randint(20, 25)
    f, fb = _font(fn, fs), _font(fnb, fs)
    W = int(fs * rng.uniform(19, 23))
    m = int(fs * 1.2)
    items = []
    for nm, lo, hi in rng.sample(_RESTAURANT_ITEMS, rng.randint(3, 7)):
        q = 1 if rng.random() < 0.7 else 2
        items.append((nm, q, round(rng.uniform(lo, hi) * 2) / 2))
    sub = round(sum(q * p for _, q, p in items), 2)
    svc_rate = rng.choice([0.0, 0.10, 0.125])
    svc = round(sub * svc_rate, 2)
    total = round(sub + svc, 2)
    amount = _money(total)
    dstr, diso = _date_str(rng)
    H = int(m * 2 + fs * 1.45 * (len(items) + 17))
    paper = _jit(rng, rng.choice([(250, 249, 244), (246, 240, 226)]), 4)
    img = Image.new("RGB", (W, H), paper)
    d = ImageDraw.Draw(img)
    ink = _jit(rng, (25, 25, 28), 6)
    y = m
    head = _font(rng.choice(["serif_italic", "lserif_italic", "serif_bold"]), fs * 1.7)
    d.text((W / 2, y), name, font=head, fill=ink, anchor="ma")
    y += fs * 2.6
    d.text((W / 2, y), f"{rng.randint(1, 99)} {rng.choice(_STREETS)}, {rng.choice(_CITIES)}", font=f, fill=ink,
           anchor="ma")
    y += fs * 1.8
    d.text((m, y), f"Table {rng.randint(1, 40)}   Covers {rng.randint(1, 6)}", font=f, fill=ink)
    y += fs * 1.45
    d.text((m, y), f"Server: {rng.choice(_FIRST)}", font=f, fill=ink)
    d.text((W - m, y), dstr, font=f, fill=ink, anchor="ra")
    y += fs * 1.6
    d.line([m, y, W - m, y], fill=ink, width=2)
    y += fs * 0.6
    for nm, q, p in items:
        d.text((m, y), f"{q} {nm}", font=f, fill=ink)
        d.text((W - m, y), _money(q * p), font=f, fill=ink, anchor="ra")
        y += fs * 1.45
    d.line([m, y + fs * 0.2, W - m, y + fs * 0.2], fill=ink, width=1)
    y += fs * 0.7
    d.text((m, y), "Subtotal", font=f, fill=ink)
    d.text((W - m, y), _money(sub), font=f, fill=ink, anchor="ra")
    y += fs * 1.45
    if svc_rate:
        d.text((m, y), f"Service {svc_rate * 100:g}%", font=f, fill=ink)
        d.text((W - m, y), _money(svc), font=f, fill=ink, anchor="ra")
        y += fs * 1.45
    fbig = _font(fnb, fs * 1.35)
    d.text((m, y), "TOTAL", font=fbig, fill=ink)
    d.text((W - m, y), _cur_amount(cur, amount, rng), font=fbig, fill=ink, anchor="ra")
    y += fs * 2.2
    d.text((m, y), f"incl. {taxname} {rate * 100:g}%", font=f, fill=ink)
    y += fs * 2.0
    d.text((m, y), "Tip: ____________", font=f, fill=ink)
    y_tip = y
    y += fs * 2.0
    d.text((m, y), "Signature: ______________", font=f, fill=ink)
    y += fs * 2.0
    d.text((W / 2, y), rng.choice(["Grazie! See you soon", "Thank you for dining with us", "Service not included",
                                   "We hope you enjoyed your meal"]), font=f, fill=ink, anchor="ma")
    img = img.crop((0, 0, W, int(min(H, y + fs * 2.5))))
    if rng.random() < 0.4:   # handwritten tip scribble in pen
        pd = ImageDraw.Draw(img)
        pcol = rng.choice([(20, 40, 150), (20, 20, 20)])
        bx, by = m + fs * 3.2, y_tip + fs * 0.2
        pts = [(bx + i * fs * 0.35, by + math.sin(i * 1.7) * fs * 0.4) for i in range(12)]
        pd.line(pts, fill=pcol, width=2, joint="curve")
    obj = _finish_paper(img, g, rng, crumple=rng.uniform(0.2, 1.2), ink_fade=rng.uniform(0, 0.15))
    return obj, {"amount": amount, "currency": cur, "date": dstr, "date_iso": diso, "merchant": name}


def _doc_pose(rng, careful: bool = False) -> tuple[float, float]:
    """Rotation / perspective range for a photographed document: mostly square-on (readable by OCR), some casual."""
    r = rng.random()
    if careful:
        return (2.0, 0.02) if r < 0.75 else (6.0, 0.05)
    if r < 0.65:
        return 3.0, 0.03
    if r < 0.9:
        return 10.0, 0.08
    return 25.0, 0.12


_RECEIPT_FUNCS = {"till_receipt": _till_receipt, "a4_invoice": _a4_invoice, "bank_statement": _bank_statement,
                  "restaurant_bill": _restaurant_bill}
_DOC_BGS = ["wood", "wood", "desk", "desk", "counter", "fabric", "carpet"]


def _render_receipt(layout, rng, g, split):
    obj, printed = _RECEIPT_FUNCS[layout](rng, g)
    bgname = rng.choice(_DOC_BGS if layout != "restaurant_bill" else ["wood", "fabric", "counter"])
    ow, oh = obj.size
    legible = rng.random() < 0.8   # most receipts are shot close and square-on, text >= ~15 px at output size
    if legible:
        size = _out_size(rng, 1024, OUT_MAX, portrait=1.0 if oh > ow * 1.2 else 0.0 if ow > oh * 1.1 else 0.5)
        rot, persp = _doc_pose(rng, careful=True)
        ws, effects = (1.0, 1.0), rng.uniform(0.3, 0.7)
    else:
        size = _out_size(rng, OUT_MIN, OUT_MAX, portrait=0.85 if oh > ow * 1.2 else 0.15 if ow > oh * 1.1 else 0.5)
        rot, persp = _doc_pose(rng)
        ws, effects = (0.75, 1.0), rng.uniform(0.5, 1.0)
    img, _ = _shoot(obj, bgname, rng, g, size, ws=ws, effects=effects, fill=(0.8, 0.97) if legible else (0.6, 0.97),
                    rot=rot, persp=persp, crop=0.03, hand=rng.random() < 0.15, lift=0.5)
    return img, {"layout": layout, "product": None, "printed": printed, "background": bgname}


# ============================================================================================ error screens
_ACCENTS = [(0, 120, 215), (26, 115, 232), (16, 124, 16), (200, 40, 40), (120, 60, 200), (230, 120, 0),
            (0, 150, 136), (40, 40, 40), (255, 90, 95), (0, 100, 180)]


def _wallpaper(g, rng, w: int, h: int) -> Image.Image:
    """A desktop/phone wallpaper: gradients and soft blobs, stripes, or a tiny landscape."""
    kind = rng.random()
    sw, sh = max(8, w // 4), max(8, h // 4)
    if kind < 0.25:
        return _landscape_img(rng, g, sw, sh).resize((w, h), Image.Resampling.BILINEAR)
    c1 = np.array(_jit(rng, rng.choice(_ACCENTS + [(20, 30, 60), (240, 200, 150), (30, 30, 35)]), 30), np.float32)
    c2 = np.array(_jit(rng, rng.choice(_ACCENTS + [(250, 250, 250), (10, 10, 20), (255, 180, 120)]), 30), np.float32)
    yy, xx = _grid(sh, sw)
    a = rng.uniform(0, math.pi)
    t = np.clip((xx / sw * math.cos(a) + yy / sh * math.sin(a)), 0, 1)[..., None]
    img = c1 * (1 - t) + c2 * t
    if kind < 0.6:
        for _ in range(rng.randint(2, 5)):
            cx, cy, r = rng.uniform(0, sw), rng.uniform(0, sh), rng.uniform(0.15, 0.5) * max(sw, sh)
            c3 = np.array(_jit(rng, rng.choice(_ACCENTS), 40), np.float32)
            m = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))[..., None] * 0.7
            img = img * (1 - m) + c3 * m
    else:   # stripes / waves: lines that are NOT damage
        per = rng.uniform(6, 20)
        wav = np.sin((xx * math.cos(a + 1) + yy * math.sin(a + 1)) / per * 2 * math.pi +
                     rng.uniform(0, 3) * np.sin(yy / sh * 6))
        img = img * (1 + 0.18 * (wav[..., None] > 0.3))
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).resize((w, h), Image.Resampling.BILINEAR)


def _icon(d, cx, cy, r, kind: str):
    if kind == "error":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(220, 40, 40))
        k = r * 0.45
        d.line([cx - k, cy - k, cx + k, cy + k], fill=(255, 255, 255), width=max(2, int(r * 0.22)))
        d.line([cx - k, cy + k, cx + k, cy - k], fill=(255, 255, 255), width=max(2, int(r * 0.22)))
    elif kind == "warning":
        d.polygon([(cx, cy - r), (cx + r * 1.1, cy + r * 0.9), (cx - r * 1.1, cy + r * 0.9)], fill=(250, 190, 30))
        d.text((cx, cy + r * 0.2), "!", font=_font("sans_bold", r * 1.2), fill=(30, 30, 30), anchor="mm")
    else:
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(30, 110, 220))
        d.text((cx, cy), "i", font=_font("serif_bold", r * 1.3), fill=(255, 255, 255), anchor="mm")


def _code_for(rng, style: str) -> str:
    r = rng.random()
    if style == "hex":
        return f"0x{rng.choice(['8007', '8024', 'C000', '8004', '8000'])}{rng.randint(0, 0xFFFF):04X}"
    if style == "web":
        return rng.choice(["404", "500", "502", "503", "403", "PAY-%04d" % rng.randint(1000, 9999),
                           "ERR_%d" % rng.randint(100, 999)])
    if style == "app":
        return rng.choice([f"E-{rng.randint(100, 9999)}", f"ERR {rng.randint(1000, 9999)}",
                           f"Code {rng.randint(100, 999)}", f"AUTH-{rng.randint(100, 999)}",
                           f"PAY-{rng.randint(1000, 9999)}"])
    return f"E-{rng.randint(100, 999)}" if r < 0.6 else f"E{rng.randint(10, 99)}"


_OS_MESSAGES = [
    ("Windows Update", "Some update files are missing or have problems. We'll try to download the update again later."),
    ("Installation failed", "The installer encountered an unexpected error. The setup could not be completed."),
    ("Application Error", "The application was unable to start correctly. Click OK to close the application."),
    ("Connection failed", "Could not connect to the server. Check your network connection and try again."),
    ("Printer error", "The document could not be printed. The printer is offline or out of paper."),
    ("Driver error", "The device driver could not be installed. The device may not work properly."),
    ("Access denied", "You don't have permission to access this folder. Contact your administrator."),
    ("Sync error", "Your files could not be synced. Sign in again to continue syncing."),
    ("Activation failed", "This product key could not be activated. Please check the key and try again."),
    ("Disk full", "There is not enough space on the disk to complete this operation."),
]
_WEB_ERRORS = {
    "404": ("Page not found", "Sorry, the page you are looking for does not exist or has been moved."),
    "500": ("Internal Server Error", "Something went wrong on our side. Please try again in a few minutes."),
    "502": ("Bad Gateway", "The server received an invalid response. Please refresh the page."),
    "503": ("Service Unavailable", "We are down for maintenance. Please check back soon."),
    "403": ("Access Denied", "You do not have permission to view this page."),
    "PAY": ("Payment failed", "Your payment could not be processed. Your card was declined by the issuer."),
    "ERR": ("Checkout error", "We could not complete your order. Please try again or use another payment method."),
}
_APP_ALERTS = [("Payment Failed", "Your card was declined. Please update your payment method."),
               ("Something went wrong", "We couldn't load your orders. Please try again later."),
               ("Login failed", "Incorrect password. Your account will be locked after 3 more attempts."),
               ("Connection Error", "Unable to reach the server. Check your internet connection."),
               ("Update Required", "This version is no longer supported. Please update the app."),
               ("Upload failed", "The photo could not be uploaded. File too large."),
               ("Session expired", "Please sign in again to continue."),
               ("Order not placed", "There was a problem processing your order.")]
_SITES = ["ShopNow", "QuickCart", "MegaStore", "TechHub", "HomeBasics", "Stylehouse", "BookNook", "FreshBox"]


def _ui_os_dialog(rng, g, W, H):
    dark = rng.random() < 0.35
    img = _wallpaper(g, rng, W, H)
    d = ImageDraw.Draw(img)
    u = min(W, H) / 40
    # taskbar + a background window
    tb = int(u * 1.8)
    tbc = (30, 30, 35) if dark or rng.random() < 0.5 else (235, 235, 240)
    d.rectangle([0, H - tb, W, H], fill=tbc)
    for i in range(rng.randint(4, 9)):
        x = u * (2 + i * 2.2)
        d.rounded_rectangle([x, H - tb + u * 0.35, x + u * 1.2, H - u * 0.45], radius=u * 0.2,
                            fill=_jit(rng, rng.choice(_ACCENTS), 30))
    d.text((W - u, H - tb / 2), f"{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}", font=_font("sans", u * 0.8),
           fill=(240, 240, 240) if _lum(tbc) < 128 else (20, 20, 20), anchor="rm")
    if rng.random() < 0.7:
        wx0, wy0 = rng.uniform(0, 0.2) * W, rng.uniform(0, 0.15) * H
        wx1, wy1 = wx0 + rng.uniform(0.55, 0.8) * W, min(H - tb - u, wy0 + rng.uniform(0.5, 0.8) * H)
        wc = (40, 40, 44) if dark else (250, 250, 250)
        d.rectangle([wx0, wy0, wx1, wy1], fill=wc, outline=(120, 120, 120))
        d.rectangle([wx0, wy0, wx1, wy0 + u * 1.5], fill=_scale(wc, 0.92))
        for i in range(int((wy1 - wy0) / (u * 1.3)) - 2):
            ln = rng.uniform(0.3, 0.9) * (wx1 - wx0 - 2 * u)
            d.rectangle([wx0 + u, wy0 + u * (2.4 + 1.3 * i), wx0 + u + ln, wy0 + u * (2.9 + 1.3 * i)],
                        fill=_mix(wc, (128, 128, 128), 0.5))
    title, msg = rng.choice(_OS_MESSAGES)
    code = _code_for(rng, "hex")
    style = rng.choice(["win", "mac"])
    bgc = (43, 43, 46) if dark else rng.choice([(255, 255, 255), (240, 240, 240)])
    fg = (235, 235, 235) if dark else (20, 20, 20)
    accent = rng.choice(_ACCENTS[:3] + [(10, 132, 255)])
    dw = rng.uniform(0.42, 0.62) * W
    fs = max(12, int(u * rng.uniform(0.75, 0.95)))
    f, fb = _font("sans", fs), _font("sans_bold", fs * 1.15)
    tw = dw * (0.72 if style == "win" else 0.85)
    mlines = _wrap(d, msg, f, tw)
    dh = fs * (7.5 + 1.4 * len(mlines)) + (fs * 2 if style == "mac" else 0)
    dx0, dy0 = (W - dw) / 2 + rng.uniform(-0.1, 0.1) * W, (H - tb - dh) / 2 + rng.uniform(-0.08, 0.05) * H
    dx0, dy0 = max(4, min(W - dw - 4, dx0)), max(4, min(H - tb - dh - 4, dy0))
    # shadow
    sh = Image.new("L", (W, H), 0)
    ImageDraw.Draw(sh).rounded_rectangle([dx0 + 4, dy0 + 8, dx0 + dw + 4, dy0 + dh + 8], radius=int(u * 0.5),
                                         fill=120)
    sh = sh.filter(ImageFilter.BoxBlur(u * 0.6))
    img = ImageChops.multiply(img, Image.merge("RGB", [ImageChops.invert(sh)] * 3))
    d = ImageDraw.Draw(img)
    icon = rng.choice(["error", "error", "warning"])
    if style == "win":
        d.rectangle([dx0, dy0, dx0 + dw, dy0 + dh], fill=bgc, outline=_mix(bgc, (128, 128, 128), 0.5))
        d.rectangle([dx0, dy0, dx0 + dw, dy0 + fs * 2], fill=_scale(bgc, 0.94) if not dark else (32, 32, 34))
        d.text((dx0 + fs * 0.7, dy0 + fs), title, font=f, fill=fg, anchor="lm")
        d.text((dx0 + dw - fs, dy0 + fs), "✕", font=f, fill=fg, anchor="mm")
        _icon(d, dx0 + fs * 2.2, dy0 + fs * 4, fs * 1.2, icon)
        y = dy0 + fs * 2.9
        d.text((dx0 + fs * 4.2, y), title, font=fb, fill=fg)
        y += fs * 1.7
        for ln in mlines:
            d.text((dx0 + fs * 4.2, y), ln, font=f, fill=fg)
            y += fs * 1.4
        d.text((dx0 + fs * 4.2, y + fs * 0.2), f"Error code: {code}", font=f, fill=_mix(fg, bgc, 0.3))
        by = dy0 + dh - fs * 2.4
        d.rectangle([dx0, by - fs * 0.5, dx0 + dw, dy0 + dh], fill=_scale(bgc, 0.95) if not dark else (36, 36, 38))
        for i, lab in enumerate(["Cancel", "OK"]):
            bx1 = dx0 + dw - fs * (1 + i * 6.5)
            fillc = accent if lab == "OK" else _scale(bgc, 0.9 if not dark else 1.4)
            d.rounded_rectangle([bx1 - fs * 5.8, by, bx1, by + fs * 1.8], radius=fs * 0.25, fill=fillc,
                                outline=_mix(fillc, (0, 0, 0), 0.2))
            d.text((bx1 - fs * 2.9, by + fs * 0.9), lab, font=f, anchor="mm",
                   fill=(255, 255, 255) if lab == "OK" or dark else (20, 20, 20))
    else:
        d.rounded_rectangle([dx0, dy0, dx0 + dw, dy0 + dh], radius=fs, fill=_mix(bgc, (230, 230, 232), 0.5),
                            outline=_mix(bgc, (128, 128, 128), 0.4))
        _icon(d, dx0 + dw / 2, dy0 + fs * 2.4, fs * 1.5, icon)
        y = dy0 + fs * 4.5
        d.text((dx0 + dw / 2, y), title, font=fb, fill=fg, anchor="ma")
        y += fs * 1.9
        for ln in _wrap(d, msg, f, tw):
            d.text((dx0 + dw / 2, y), ln, font=f, fill=fg, anchor="ma")
            y += fs * 1.4
        d.text((dx0 + dw / 2, y + fs * 0.3), f"({code})", font=f, fill=_mix(fg, bgc, 0.35), anchor="ma")
        by = dy0 + dh - fs * 2.6
        half = (dw - fs * 3) / 2
        for i, lab in enumerate(["Cancel", "OK"]):
            bx0 = dx0 + fs + i * (half + fs)
            fillc = accent if lab == "OK" else _mix(bgc, (200, 200, 204), 0.6)
            d.rounded_rectangle([bx0, by, bx0 + half, by + fs * 1.8], radius=fs * 0.4, fill=fillc)
            d.text((bx0 + half / 2, by + fs * 0.9), lab, font=f, anchor="mm",
                   fill=(255, 255, 255) if lab == "OK" else fg)
    return img, {"error_code": code, "title": title}


def _ui_web_error(rng, g, W, H):
    dark = rng.random() < 0.3
    bgc = (24, 25, 28) if dark else (255, 255, 255)
    fg = (230, 230, 230) if dark else (30, 32, 36)
    accent = rng.choice(_ACCENTS)
    img = Image.new("RGB", (W, H), bgc)
    d = ImageDraw.Draw(img)
    u = min(W, H) / 40
    site = rng.choice(_SITES)
    # browser chrome
    ch = u * 3.4
    chrome = (53, 54, 58) if dark else (222, 225, 230)
    d.rectangle([0, 0, W, ch], fill=chrome)
    d.rounded_rectangle([u * 0.8, u * 0.4, u * 12, u * 1.8], radius=u * 0.4, fill=bgc)
    d.text((u * 1.5, u * 1.1), f"{site} - Error", font=_font("sans", u * 0.7), fill=fg, anchor="lm")
    d.rounded_rectangle([u * 5, u * 2.05, W - u * 3, u * 3.15], radius=u * 0.5, fill=_mix(chrome, bgc, 0.6))
    path = rng.choice(["checkout/payment", "orders/88412", "account/login", "cart", "product/2931", "track"])
    d.text((u * 5.7, u * 2.6), f"https://www.{site.lower()}.com/{path}", font=_font("sans", u * 0.7), fill=fg,
           anchor="lm")
    d.text((u * 1.2, u * 2.6), "←  →  ⟳", font=_font("sans", u * 0.8), fill=fg, anchor="lm")
    # site header
    hy = ch
    hdr = accent if rng.random() < 0.5 else _mix(bgc, fg, 0.06)
    d.rectangle([0, hy, W, hy + u * 2.6], fill=hdr)
    htc = (255, 255, 255) if _lum(hdr) < 150 else (20, 20, 20)
    d.text((u * 1.5, hy + u * 1.3), site, font=_font("sans_bold", u * 1.2), anchor="lm", fill=htc)
    for i, t in enumerate(["Deals", "Orders", "Help", "Account"]):
        d.text((W - u * (14 - i * 3.4), hy + u * 1.3), t, font=_font("sans", u * 0.75), fill=htc, anchor="lm")
    key = rng.choice(list(_WEB_ERRORS))
    title, msg = _WEB_ERRORS[key]
    code = key if key.isdigit() else _code_for(rng, "web") if key == "ERR" else f"PAY-{rng.randint(1000, 9999)}"
    if not key.isdigit() and code.isdigit():
        code = f"ERR-{rng.randint(100, 999)}"
    cy = hy + (H - hy) * rng.uniform(0.25, 0.38)
    if key.isdigit():
        d.text((W / 2, cy), key, font=_font("sans_bold", u * rng.uniform(5, 8)), fill=accent, anchor="mm")
        cy += u * 4.5
    else:
        _icon(d, W / 2, cy, u * 2.2, "error" if rng.random() < 0.6 else "warning")
        cy += u * 3.6
    d.text((W / 2, cy), title, font=_font("sans_bold", u * 1.6), fill=fg, anchor="mm")
    cy += u * 2.2
    for ln in _wrap(d, msg, _font("sans", u * 0.9), W * 0.6):
        d.text((W / 2, cy), ln, font=_font("sans", u * 0.9), fill=_mix(fg, bgc, 0.2), anchor="mm")
        cy += u * 1.3
    if not key.isdigit():
        d.text((W / 2, cy + u * 0.3), f"Error code: {code}", font=_font("mono", u * 0.85), fill=_mix(fg, bgc, 0.3),
               anchor="mm")
        cy += u * 1.5
    bw = u * 9
    d.rounded_rectangle([W / 2 - bw / 2, cy + u, W / 2 + bw / 2, cy + u * 3], radius=u * 0.5, fill=accent)
    d.text((W / 2, cy + u * 2), rng.choice(["Try again", "Back to home", "Go back", "Contact support"]),
           font=_font("sans_bold", u * 0.85), fill=(255, 255, 255), anchor="mm")
    return img, {"error_code": code, "title": title}


def _status_bar(d, W, u, fg, time_s):
    d.text((u * 1.5, u * 1.1), time_s, font=_font("sans_bold", u * 0.95), fill=fg, anchor="lm")
    x = W - u * 1.5
    d.rounded_rectangle([x - u * 2, u * 0.6, x, u * 1.6], radius=u * 0.25, outline=fg, width=max(1, int(u * 0.1)))
    d.rectangle([x - u * 1.8, u * 0.8, x - u * 0.8, u * 1.4], fill=fg)
    for i in range(4):
        d.rectangle([x - u * (5.2 - i * 0.45), u * (1.5 - 0.22 * i), x - u * (4.9 - i * 0.45), u * 1.5], fill=fg)


def _ui_mobile_alert(rng, g, W, H):
    dark = rng.random() < 0.35
    bgc = (0, 0, 0) if dark else (242, 242, 247)
    fg = (240, 240, 240) if dark else (10, 10, 10)
    card = (28, 28, 30) if dark else (255, 255, 255)
    accent = rng.choice(_ACCENTS[:2] + [(10, 132, 255), (98, 0, 238), (0, 150, 136)])
    img = Image.new("RGB", (W, H), bgc)
    d = ImageDraw.Draw(img)
    u = W / 24
    _status_bar(d, W, u, fg, f"{rng.randint(7, 12)}:{rng.randint(0, 59):02d}")
    d.text((u * 1.5, u * 4), rng.choice(["Checkout", "My Orders", "Wallet", "Sign in", "Cart", "Profile"]),
           font=_font("sans_bold", u * 1.6), fill=fg, anchor="lm")
    y = u * 6
    while y < H - u * 4:
        hgt = u * rng.uniform(3, 6)
        d.rounded_rectangle([u, y, W - u, y + hgt], radius=u * 0.6, fill=card)
        d.rounded_rectangle([u * 1.6, y + u * 0.6, u * 1.6 + hgt - u * 1.2, y + hgt - u * 0.6], radius=u * 0.4,
                            fill=_jit(rng, rng.choice(_ACCENTS), 40))
        for k in range(2):
            d.rectangle([u * 2.4 + hgt, y + u * (0.9 + k * 1.1), u * 2.4 + hgt + rng.uniform(4, 12) * u,
                         y + u * (1.5 + k * 1.1)], fill=_mix(card, fg, 0.35))
        y += hgt + u * 0.7
    d.rectangle([0, H - u * 3.5, W, H], fill=card)
    for i in range(4):
        cx = W * (i + 0.5) / 4
        d.ellipse([cx - u * 0.6, H - u * 2.6, cx + u * 0.6, H - u * 1.4], fill=_mix(card, fg, 0.4))
    # dimming overlay
    img = Image.blend(img, Image.new("RGB", (W, H), (0, 0, 0)), rng.uniform(0.3, 0.5))
    d = ImageDraw.Draw(img)
    title, msg = rng.choice(_APP_ALERTS)
    code = _code_for(rng, "app")
    ios = rng.random() < 0.55
    aw = W * rng.uniform(0.7, 0.82)
    fs = u * 0.95
    f, fb = _font("sans", fs), _font("sans_bold", fs * 1.1)
    lines = _wrap(d, msg, f, aw - fs * 2.5)
    ah = fs * (6.5 + 1.35 * len(lines)) + fs * 1.4
    ax0, ay0 = (W - aw) / 2, (H - ah) / 2 + rng.uniform(-0.05, 0.05) * H
    acol = (44, 44, 46) if dark else (250, 250, 250)
    d.rounded_rectangle([ax0, ay0, ax0 + aw, ay0 + ah], radius=fs * (1.2 if ios else 0.6), fill=acol)
    if ios:
        y = ay0 + fs * 1.3
        d.text((W / 2, y), title, font=fb, fill=fg, anchor="ma")
        y += fs * 1.7
        for ln in lines:
            d.text((W / 2, y), ln, font=f, fill=fg, anchor="ma")
            y += fs * 1.35
        d.text((W / 2, y), f"(Error {code})", font=f, fill=_mix(fg, acol, 0.3), anchor="ma")
        by = ay0 + ah - fs * 2.6
        d.line([ax0, by, ax0 + aw, by], fill=_mix(acol, fg, 0.2), width=1)
        d.line([W / 2, by, W / 2, ay0 + ah], fill=_mix(acol, fg, 0.2), width=1)
        d.text((ax0 + aw / 4, by + fs * 1.3), "Cancel", font=f, fill=(10, 132, 255), anchor="mm")
        d.text((ax0 + aw * 3 / 4, by + fs * 1.3), rng.choice(["Retry", "OK", "Update"]), font=fb,
               fill=(10, 132, 255), anchor="mm")
    else:
        y = ay0 + fs * 1.4
        d.text((ax0 + fs * 1.3, y), title, font=_font("sans", fs * 1.35), fill=fg)
        y += fs * 2.2
        for ln in lines:
            d.text((ax0 + fs * 1.3, y), ln, font=f, fill=_mix(fg, acol, 0.2))
            y += fs * 1.35
        d.text((ax0 + fs * 1.3, y), f"Error code: {code}", font=f, fill=_mix(fg, acol, 0.35))
        by = ay0 + ah - fs * 2.0
        d.text((ax0 + aw - fs * 1.3, by), "RETRY", font=_font("sans_bold", fs), fill=accent, anchor="ra")
        d.text((ax0 + aw - fs * 6.3, by), "CANCEL", font=_font("sans_bold", fs), fill=accent, anchor="ra")
    return img, {"error_code": code, "title": title}


_STOP_CODES = ["CRITICAL_PROCESS_DIED", "IRQL_NOT_LESS_OR_EQUAL", "PAGE_FAULT_IN_NONPAGED_AREA",
               "SYSTEM_SERVICE_EXCEPTION", "KERNEL_SECURITY_CHECK_FAILURE", "DRIVER_POWER_STATE_FAILURE",
               "MEMORY_MANAGEMENT", "VIDEO_TDR_FAILURE", "INACCESSIBLE_BOOT_DEVICE"]


def _ui_blue_screen(rng, g, W, H):
    variant = rng.random()
    u = min(W, H) / 30
    if variant < 0.7:
        bgc = rng.choice([(0, 120, 215), (16, 110, 190), (0, 0, 0), (20, 20, 80)])
        img = Image.new("RGB", (W, H), bgc)
        d = ImageDraw.Draw(img)
        fg = (255, 255, 255)
        x = W * 0.1
        y = H * 0.14
        d.text((x, y), ":(", font=_font("sans_light", u * 5), fill=fg)
        y += u * 6.5
        title = "Your PC ran into a problem and needs to restart."
        f = _font("sans_light", u * 1.15)
        for ln in _wrap(d, title + " We're just collecting some error info, and then we'll restart for you.", f,
                        W * 0.75):
            d.text((x, y), ln, font=f, fill=fg)
            y += u * 1.6
        y += u * 0.8
        d.text((x, y), f"{rng.randint(0, 100)}% complete", font=f, fill=fg)
        y += u * 2.6
        qs = u * 4
        qr = Image.new("RGB", (int(qs), int(qs)), fg)
        _draw_matrix_code(ImageDraw.Draw(qr), (qs * 0.05, qs * 0.05, qs * 0.95, qs * 0.95), rng, color=bgc)
        img.paste(qr, (int(x), int(y)))
        sf = _font("sans", u * 0.62)
        code = rng.choice(_STOP_CODES)
        d.text((x + qs + u, y), "For more information about this issue and possible fixes, visit", font=sf, fill=fg)
        d.text((x + qs + u, y + u * 0.9), "https://www.windows.com/stopcode", font=sf, fill=fg)
        d.text((x + qs + u, y + u * 2.3), "If you call a support person, give them this info:", font=sf, fill=fg)
        d.text((x + qs + u, y + u * 3.2), f"Stop code: {code}", font=sf, fill=fg)
        title = "Your PC ran into a problem"
    else:
        img = Image.new("RGB", (W, H), (0, 0, 170))
        d = ImageDraw.Draw(img)
        f = _font("mono", u * 0.85)
        code = f"0E : 0028:C00{rng.randint(10000, 99999)}"
        title = "A fatal exception has occurred"
        head = " Windows "
        d.rectangle([W / 2 - f.getlength(head) / 2, H * 0.25, W / 2 + f.getlength(head) / 2, H * 0.25 + u * 1.1],
                    fill=(170, 170, 170))
        d.text((W / 2, H * 0.25), head, font=f, fill=(0, 0, 170), anchor="ma")
        y = H * 0.25 + u * 2.5
        for ln in _wrap(d, f"A fatal exception {code} has occurred in VXD VMM(01) + {rng.randint(10 ** 7, 10 ** 8)}."
                           " The current application will be terminated.", f, W * 0.8) + \
                ["", "*  Press any key to terminate the current application.",
                 "*  Press CTRL+ALT+DEL again to restart your computer.", "", "Press any key to continue _"]:
            d.text((W * 0.1, y), ln, font=f, fill=(255, 255, 255))
            y += u * 1.25
    return img, {"error_code": code, "title": title}


_TRACES = [
    ("ConnectionRefusedError", "ECONNREFUSED",
     ["Traceback (most recent call last):", '  File "/app/main.py", line 42, in <module>',
      "    resp = client.fetch_orders(user_id)", '  File "/app/api/client.py", line 118, in fetch_orders',
      "    return self._get(f\"/orders/{user_id}\")", '  File "/usr/lib/python3.11/socket.py", line 845, in connect',
      "    sock.connect(sa)", "ConnectionRefusedError: [Errno 111] Connection refused (ECONNREFUSED)"]),
    ("NullPointerException", "HTTP 500",
     ['Exception in thread "main" java.lang.NullPointerException',
      "    at com.shop.checkout.PaymentService.charge(PaymentService.java:87)",
      "    at com.shop.checkout.OrderController.submit(OrderController.java:142)",
      "    at java.base/java.lang.Thread.run(Thread.java:833)", "ERROR 2026-03-14 12:01:33 HTTP 500 returned"]),
    ("npm ERR! code E404", "E404",
     ["npm ERR! code E404", "npm ERR! 404 Not Found - GET https://registry.example.org/shop-sdk",
      "npm ERR! 404  'shop-sdk@^2.1.0' is not in this registry.", "npm ERR! A complete log of this run can be found in:",
      "npm ERR!     /home/user/.npm/_logs/debug-0.log"]),
    ("Segmentation fault", "SIGSEGV",
     ["Program received signal SIGSEGV, Segmentation fault.", "0x00005555555551a9 in process_frame (buf=0x0) at dev.c:88",
      "88        memcpy(out, buf->data, len);", "Segmentation fault (core dumped)"]),
    ("PermissionError", "EACCES",
     ["Error: EACCES: permission denied, open '/var/lib/printer/queue.lock'", "    at Object.openSync (node:fs:596:3)",
      "    at Queue.lock (/opt/printd/queue.js:31:12)", "  errno: -13, code: 'EACCES', syscall: 'open'"]),
    ("TimeoutError", "ETIMEDOUT",
     ["Traceback (most recent call last):", '  File "sync.py", line 12, in <module>', "    upload(photos)",
      '  File "sync.py", line 7, in upload', "    requests.post(URL, files=f, timeout=5)",
      "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.cloud.com'): Read timed out. (ETIMEDOUT)"]),
]


def _ui_terminal(rng, g, W, H):
    theme = rng.choice([((30, 30, 30), (220, 220, 220)), ((0, 43, 54), (147, 161, 161)), ((40, 42, 54), (248, 248, 242)),
                        ((12, 12, 12), (204, 204, 204)), ((253, 246, 227), (88, 110, 117)), ((255, 255, 255), (40, 40, 40))])
    bgc, fg = theme
    red = (255, 85, 85) if _lum(bgc) < 128 else (200, 30, 30)
    green = (80, 250, 123) if _lum(bgc) < 128 else (30, 130, 30)
    outer = _wallpaper(g, rng, W, H) if rng.random() < 0.5 else Image.new("RGB", (W, H), bgc)
    d = ImageDraw.Draw(outer)
    m = 0 if outer.getpixel((0, 0)) == bgc else int(min(W, H) * rng.uniform(0.03, 0.08))
    x0, y0, x1, y1 = m, m, W - m, H - m
    u = min(W, H) / 40
    tb = u * 1.6
    d.rectangle([x0, y0, x1, y1], fill=bgc)
    d.rectangle([x0, y0, x1, y0 + tb], fill=_mix(bgc, (128, 128, 128), 0.25))
    for i, c in enumerate([(255, 95, 86), (255, 189, 46), (39, 201, 63)]):
        d.ellipse([x0 + u * (0.6 + i * 1.1), y0 + tb / 2 - u * 0.35, x0 + u * (1.3 + i * 1.1), y0 + tb / 2 + u * 0.35],
                  fill=c)
    d.text(((x0 + x1) / 2, y0 + tb / 2), "user@shop-dev: ~/project", font=_font("sans", u * 0.7), fill=fg,
           anchor="mm")
    title, code, trace = rng.choice(_TRACES)
    fs = max(11, int((x1 - x0) / rng.uniform(62, 90)))
    f, fb = _font(rng.choice(["mono", "lmono"]), fs), _font("mono_bold", fs)
    y = y0 + tb + fs * 0.6
    lh = fs * 1.3
    lines = []
    for _ in range(rng.randint(1, 5)):
        lines.append((fg, rng.choice(["Collecting dependencies...", "Loading config from .env", "[INFO] Server starting",
                                      "Compiling 14 files...", "Connecting to database... ok", "Downloading assets 100%",
                                      "[INFO] GET /api/health 200 4ms"])))
    cmd = rng.choice(["python main.py", "npm install", "./printd --start", "java -jar shop.jar", "python sync.py"])
    lines.insert(0, (green, f"user@shop-dev:~/project$ {cmd}"))
    for i, t in enumerate(trace):
        lines.append((red if (i == 0 or i == len(trace) - 1 or "ERR" in t) else fg, t))
    lines.append((green, "user@shop-dev:~/project$ █"))
    maxc = int((x1 - x0 - fs) / f.getlength("M"))
    for col, t in lines:
        while t and y < y1 - lh:
            d.text((x0 + fs * 0.5, y), t[:maxc], font=fb if col == red else f, fill=col)
            t = ("  " + t[maxc:]) if len(t) > maxc else ""
            y += lh
    return outer, {"error_code": code, "title": title}


_LCD_ERRORS = [("NO CONNECTION", "E-402"), ("PAPER JAM", "E-031"), ("NO WATER", "E-21"), ("DOOR OPEN", "E-12"),
               ("SENSOR FAULT", "E-503"), ("OVERHEAT", "E-77"), ("LOW BATTERY", "E-09"), ("FILTER ERROR", "E-415"),
               ("WAN DOWN", "E-402"), ("UPDATE FAILED", "E-860")]


def _device_lcd(rng, g):
    """A router / printer / appliance with a small LCD showing an error code (an RGBA object)."""
    title, code = rng.choice(_LCD_ERRORS)
    if rng.random() < 0.5:
        code = f"E-{rng.randint(10, 999)}" if rng.random() < 0.5 else code
    S = 640
    ww, hh = int(S * rng.uniform(0.8, 0.95)), int(S * rng.uniform(0.45, 0.65))
    P = _Painter(S, S, g)
    body = _jit(rng, rng.choice([(235, 235, 232), (40, 40, 44), (200, 200, 205), (25, 25, 28), (230, 225, 215)]), 6)
    x0, y0 = (S - ww) / 2, (S - hh) / 2
    P.rrect([x0, y0, x0 + ww, y0 + hh], hh * 0.08, body, shade=sh_lin(0, y0, 0, y0 + hh, 1.08, 0.82),
            edge=(0.35, 6))
    P.rrect([x0 + 6, y0 + 4, x0 + ww - 6, y0 + hh * 0.12], hh * 0.05, (255, 255, 255), opacity=0.12, blur=3)
    lw, lh = ww * rng.uniform(0.42, 0.55), hh * rng.uniform(0.38, 0.5)
    lx0, ly0 = x0 + ww * 0.08, y0 + (hh - lh) / 2
    P.rrect([lx0 - 8, ly0 - 8, lx0 + lw + 8, ly0 + lh + 8], 8, _scale(body, 0.55 if _lum(body) > 100 else 0.6))
    green = rng.random() < 0.55
    back = (150, 185, 90) if green else rng.choice([(40, 90, 200), (20, 20, 25), (230, 120, 30)])
    ink = (25, 35, 20) if green else (235, 245, 255) if back != (230, 120, 30) else (20, 10, 0)
    scr = Image.new("RGB", (int(lw), int(lh)), back)
    d = ImageDraw.Draw(scr)
    d.text((lw / 2, lh * 0.42), code, font=_font("mono_bold", lh * 0.42), fill=ink, anchor="mm")
    d.text((lw / 2, lh * 0.8), title, font=_font("sans_cond_bold", lh * 0.16), fill=ink, anchor="mm")
    d.text((lw * 0.06, lh * 0.1), "ERROR" if rng.random() < 0.5 else "!", font=_font("sans_bold", lh * 0.13),
           fill=ink)
    m = P.mask(lambda dd: dd.rectangle([lx0, ly0, lx0 + lw, ly0 + lh], fill=255))
    P.image_in(scr, (lx0, ly0, lx0 + lw, ly0 + lh), m, shade=sh_lin(lx0, ly0, lx0 + lw, ly0 + lh, 1.05, 0.85))
    P.poly([(lx0, ly0), (lx0 + lw * 0.5, ly0), (lx0 + lw * 0.2, ly0 + lh), (lx0, ly0 + lh)], (255, 255, 255),
           opacity=0.1)
    # LEDs with labels, and buttons
    bx = lx0 + lw + ww * 0.08
    lf = _font("sans_bold", hh * 0.045)
    labc = (90, 90, 90) if _lum(body) > 100 else (180, 180, 180)
    for i, lab in enumerate(rng.sample(["POWER", "WAN", "LAN", "WiFi", "ERR", "TONER", "READY"], 4)):
        cx, cy = bx + (i % 2) * ww * 0.16, ly0 + lh * 0.15 + (i // 2) * lh * 0.35
        col = (255, 40, 30) if lab in ("ERR", "WAN") or i == 1 else rng.choice([(40, 255, 80), (60, 60, 60)])
        P.ellipse([cx - 14, cy - 14, cx + 14, cy + 14], col, opacity=0.5, blur=6)
        P.ellipse([cx - 5, cy - 5, cx + 5, cy + 5], _mix(col, (255, 255, 255), 0.4))
        P.text((cx + 10, cy), lab, lf, labc, anchor="lm")
    for i in range(3):
        cx, cy = bx + i * ww * 0.1, ly0 + lh * 0.9
        P.ellipse([cx - 16, cy - 16, cx + 16, cy + 16], _scale(body, 0.8), shade=sh_sphere(cx, cy, 16),
                  edge=(0.3, 2))
    P.text((x0 + ww * 0.08, y0 + hh - hh * 0.08), rng.choice(["NETGEAR-X", "HomeHub 5", "PrintJet 240", "AquaWash",
                                                              "ThermoSmart"]),
           _font("sans_bold", hh * 0.06), labc, anchor="ls")
    return P.image(), {"error_code": code, "title": title}


def _monitor_obj(rng, g, screen: Image.Image) -> Image.Image:
    """A desktop monitor showing `screen`, with bezel, stand, glare and moire (PIL-only for speed)."""
    sw, sh = screen.size
    bez = int(max(sw, sh) * rng.uniform(0.012, 0.035))
    stand = rng.random() < 0.6
    H = sh + 2 * bez + (int(sh * 0.28) if stand else 0)
    W = sw + 2 * bez
    out = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    d = ImageDraw.Draw(out)
    col = rng.choice([(20, 20, 22), (35, 35, 38), (200, 200, 205), (15, 15, 15)])
    if stand:
        d.polygon([(W * 0.45, sh), (W * 0.55, sh), (W * 0.57, H - sh * 0.06), (W * 0.43, H - sh * 0.06)],
                  fill=_scale(col, 1.3) + (255,))
        d.ellipse([W * 0.3, H - sh * 0.1, W * 0.7, H - 2], fill=_scale(col, 1.5) + (255,))
        d.ellipse([W * 0.3, H - sh * 0.1, W * 0.7, H - sh * 0.06], fill=_scale(col, 1.9) + (255,))
    d.rounded_rectangle([0, 0, W - 1, sh + 2 * bez], radius=bez * 0.8, fill=col + (255,))
    d.rounded_rectangle([1, 1, W - 2, sh + 2 * bez - 1], radius=bez * 0.8, outline=_scale(col, 1.8) + (255,), width=1)
    scr = screen.convert("RGB")
    if rng.random() < 0.7:   # moire beat from photographing a display, computed at half resolution
        hw, hh = max(4, sw // 2), max(4, sh // 2)
        yy, xx = _grid(hh, hw)
        a = rng.uniform(0, math.pi)
        per = rng.uniform(2.5, 6)
        mo = 1 - rng.uniform(0.03, 0.1) * (0.5 + 0.5 * np.sin((xx * math.cos(a) + yy * math.sin(a)) / per * 2 * math.pi +
                                                             np.sin(yy / rng.uniform(15, 40)) * 3))
        mi = Image.fromarray(_u8(mo)).resize((sw, sh), Image.Resampling.BILINEAR)
        scr = ImageChops.multiply(scr, Image.merge("RGB", (mi, mi, mi)))
    scr = scr.point(lambda v: int(15 + v * 0.92))   # emissive screen: lifted blacks
    gl = Image.new("L", (max(4, sw // 4), max(4, sh // 4)), 0)
    gx = rng.uniform(0, sw / 4)
    ImageDraw.Draw(gl).polygon([(gx, 0), (gx + sw / 16, 0), (gx - sw / 40, sh / 4), (gx - sw / 11, sh / 4)],
                               fill=int(255 * rng.uniform(0.05, 0.16)))
    gl = gl.filter(ImageFilter.GaussianBlur(sw / 200)).resize((sw, sh), Image.Resampling.BILINEAR)
    scr = ImageChops.add(scr, Image.merge("RGB", (gl, gl, gl)))
    out.paste(scr, (bez, bez))
    return out


_UI_FUNCS = {"os_dialog": _ui_os_dialog, "web_error_page": _ui_web_error, "mobile_alert": _ui_mobile_alert,
             "blue_screen": _ui_blue_screen, "terminal_trace": _ui_terminal}


def _render_error(layout, rng, g, split):
    extra = {}
    if layout == "device_lcd":
        obj, printed = _device_lcd(rng, g)
        size = _out_size(rng, 480, OUT_MAX, portrait=0.3)
        img, _ = _shoot(obj, rng.choice(["desk", "wood", "room", "counter"]), rng, g, size, ws=(0.75, 1.0),
                        fill=(0.55, 0.95), rot=15, persp=0.15, crop=0.1, hand=False)
        return img, {"layout": layout, "product": None, "printed": printed, "presentation": "photo"}
    if layout in _DEVICE_FUNCS:
        return _render_device_error(layout, rng, g)
    phone = layout == "mobile_alert"
    pres = rng.choice(["screenshot", "photo"]) if phone else rng.choice(["screenshot", "screenshot", "monitor",
                                                                         "monitor", "laptop"])
    if pres == "screenshot":
        if phone:
            long = rng.randint(640, OUT_MAX)
            W, H = int(long / rng.choice([2.17, 2.0, 1.78])), long
        else:
            W, H = _out_size(rng, 480, OUT_MAX, portrait=0.0, aspects=(16 / 9, 16 / 10, 3 / 2, 4 / 3))
        img, printed = _UI_FUNCS[layout](rng, g, W, H)
        if rng.random() < 0.3:   # re-scaled by a messenger app
            s = rng.uniform(0.6, 0.9)
            img = img.resize((int(W * s), int(H * s)), Image.Resampling.BILINEAR)
        extra["presentation"] = "screenshot"
        return img, {"layout": layout, "product": None, "printed": printed, **extra}
    if phone:
        sw, sh = 540, int(540 * rng.choice([2.17, 2.0]))
        screen, printed = _UI_FUNCS[layout](rng, g, sw, sh)
        obj = _draw_phone_with(rng, g, screen)
        size = _out_size(rng, 560, OUT_MAX, portrait=0.8)
        img, _ = _shoot(obj, rng.choice(["room", "desk", "wood", "fabric"]), rng, g, size, ws=(0.8, 1.0),
                        fill=(0.6, 0.95), rot=20, persp=0.12, hand=rng.random() < 0.6)
        return img, {"layout": layout, "product": None, "printed": printed, "presentation": "phone_photo"}
    sw = rng.randint(720, 960)
    sh = int(sw / rng.choice([16 / 9, 16 / 10]))
    screen, printed = _UI_FUNCS[layout](rng, g, sw, sh)
    obj = _monitor_obj(rng, g, screen) if pres == "monitor" else _draw_laptop_with(rng, g, screen)
    size = _out_size(rng, 560, OUT_MAX, portrait=0.15)
    img, _ = _shoot(obj, rng.choice(["room", "desk", "wood"]), rng, g, size, ws=(0.8, 1.0), fill=(0.75, 1.05),
                    rot=10, persp=0.15, crop=0.08, shadow=0.3)
    return img, {"layout": layout, "product": None, "printed": printed, "presentation": pres + "_photo"}


# ============================================================================================ damage
def _jagged(p0, p1, rng, n=8, amp=0.08):
    (x0, y0), (x1, y1) = p0, p1
    L = math.hypot(x1 - x0, y1 - y0)
    nx, ny = -(y1 - y0) / max(1e-6, L), (x1 - x0) / max(1e-6, L)
    pts = []
    for i in range(n + 1):
        t = i / n
        o = 0 if i in (0, n) else rng.uniform(-amp, amp) * L
        pts.append((x0 + (x1 - x0) * t + nx * o, y0 + (y1 - y0) * t + ny * o))
    return pts


def _cracks(P: _Painter, rng, clip: Image.Image, impact, reach: float, obvious: bool, on_dark: bool = True,
            shards: bool = False) -> None:
    """A branching crack network from an impact point, with glints, clipped to `clip` (e.g. the screen)."""
    ix, iy = impact
    lines: list[list] = []
    radials: list[list] = []

    def grow(x, y, ang, length, depth):
        steps = max(3, int(length / max(4.0, reach * 0.05)))
        step = length / steps
        pts = [(x, y)]
        for _ in range(steps):
            ang += rng.gauss(0, 0.2)
            x += math.cos(ang) * step
            y += math.sin(ang) * step
            pts.append((x, y))
            if depth < 2 and rng.random() < (0.2 if obvious else 0.12):
                grow(x, y, ang + rng.choice([-1, 1]) * rng.uniform(0.35, 0.9), length * rng.uniform(0.2, 0.5),
                     depth + 1)
        lines.append(pts)
        return pts
    n = rng.randint(7, 14) if obvious else rng.randint(2, 4)
    base = rng.uniform(0, 2 * math.pi)
    for i in range(n):
        ang = base + 2 * math.pi * (i + rng.uniform(-0.3, 0.3)) / n
        L = reach * (rng.uniform(0.5, 1.3) if obvious else rng.uniform(0.35, 0.9))
        radials.append(grow(ix, iy, ang, L, 0))

    def at(pts, dist):
        acc = 0.0
        for a, b in zip(pts, pts[1:]):
            seg = math.hypot(b[0] - a[0], b[1] - a[1])
            if acc + seg >= dist:
                t = (dist - acc) / max(1e-6, seg)
                return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            acc += seg
        return pts[-1]
    if obvious:   # concentric rings of the spider web
        for r in (reach * rng.uniform(0.08, 0.15), reach * rng.uniform(0.2, 0.32), reach * rng.uniform(0.4, 0.55)):
            for a, b in zip(radials, radials[1:] + radials[:1]):
                if rng.random() < 0.7:
                    lines.append(_jagged(at(a, r * rng.uniform(0.85, 1.15)), at(b, r * rng.uniform(0.85, 1.15)), rng,
                                 3, 0.12))
    wd = max(2, int(round(reach / 160))) if obvious else max(3, int(round(reach / 110)))
    dark = Image.new("L", (P.w, P.h), 0)
    light = Image.new("L", (P.w, P.h), 0)
    dd, dl = ImageDraw.Draw(dark), ImageDraw.Draw(light)
    for pts in lines:
        dd.line(pts, fill=255, width=wd, joint="curve")
        dl.line([(x + wd * 0.8, y + wd * 0.6) for x, y in pts], fill=200, width=max(1, wd - 1))
    r0 = reach * (rng.uniform(0.04, 0.09) if obvious else 0.02)
    for _ in range(int(40 if obvious else 8)):   # fine shattering at the impact point
        a = rng.uniform(0, 2 * math.pi)
        r1, r2 = rng.uniform(0, r0), rng.uniform(0, r0 * 1.4)
        b = a + rng.uniform(-1.2, 1.2)
        seg = [(ix + r1 * math.cos(a), iy + r1 * math.sin(a)), (ix + r2 * math.cos(b), iy + r2 * math.sin(b))]
        dd.line(seg, fill=255, width=max(1, wd - 1))
        dl.line(seg, fill=255, width=1)
    if shards:   # missing pieces of glass between two radials
        for i in rng.sample(range(len(radials)), min(len(radials), rng.randint(2, 4))):
            a, b = radials[i], radials[(i + 1) % len(radials)]
            r1, r2 = reach * rng.uniform(0.03, 0.1), reach * rng.uniform(0.15, 0.3)
            poly = [at(a, r1), at(a, r2), at(b, r2 * rng.uniform(0.8, 1.1)), at(b, r1)]
            m = P.mask(lambda d: d.polygon(poly, fill=255))
            P.paint(m, (12, 12, 14), clip=clip, on=True)
            P.paint(P.mask(lambda d: d.polygon(poly, outline=255, width=2)), (235, 235, 235), opacity=0.8, clip=clip,
                    on=True)
    P.paint(light, (255, 255, 255), opacity=0.85 if on_dark else 0.7, clip=clip, on=True)
    P.paint(dark, (10, 10, 12), opacity=0.55 if on_dark else 0.85, clip=clip, on=True)
    if not obvious:   # a faint glint along the cracks keeps thin damage visible after downscaling
        for pts in lines[-2:]:
            P.line(pts, wd * 2.5, (255, 255, 255), opacity=0.25, blur=wd, clip=clip, on=True)
    if obvious:   # powdery white at the impact and glints along a few cracks
        P.ellipse([ix - r0, iy - r0, ix + r0, iy + r0], (240, 240, 240), opacity=0.55, blur=r0 * 0.4, clip=clip,
                  on=True)
        for pts in rng.sample(lines, min(len(lines), 4)):
            P.line(pts, wd * 3, (255, 255, 255), opacity=0.3, blur=wd * 1.5, clip=clip, on=True)


def _lcd_bleed(P: _Painter, rng, g, clip: Image.Image, box, center) -> None:
    """Broken LCD: an ink-blot of dead pixels with coloured fringes and vertical line artefacts."""
    x0, y0, x1, y1 = box
    cx, cy = center
    R = min(x1 - x0, y1 - y0) * rng.uniform(0.15, 0.4)
    bx0, by0 = int(max(0, cx - R * 1.6)), int(max(0, cy - R * 1.6))
    bx1, by1 = int(min(P.w, cx + R * 1.6)), int(min(P.h, cy + R * 1.6))
    if bx1 - bx0 > 4 and by1 - by0 > 4:
        yy, xx = np.mgrid[by0:by1, bx0:bx1].astype(np.float32)
        dist = np.hypot(xx - cx, yy - cy) / R
        nz = _smooth(g, by1 - by0, bx1 - bx0, R / 3)
        blob = np.clip(((1 - dist) + (nz - 0.5) * 0.9) * 4, 0, 1)
        m = Image.new("L", (P.w, P.h), 0)
        m.paste(Image.fromarray(_u8(blob)), (bx0, by0))
        fringe = m.filter(ImageFilter.GaussianBlur(R * 0.15))
        P.paint(fringe, rng.choice([(150, 40, 200), (30, 200, 220), (240, 240, 255), (40, 220, 90)]), opacity=0.8,
                clip=clip, on=True)
        P.paint(m, (5, 5, 8), clip=clip, on=True)
    for _ in range(rng.randint(2, 9)):
        x = rng.uniform(x0, x1) if rng.random() < 0.6 else cx + rng.uniform(-R, R)
        w = rng.choice([1, 2, 2, 3, 5])
        col = rng.choice([(255, 0, 200), (0, 255, 120), (255, 255, 255), (0, 200, 255), (20, 20, 20)])
        P.paint(P.mask(lambda d: d.rectangle([x, y0, x + w, y1], fill=255)), col, opacity=0.85, clip=clip, on=True)


def _dent(P: _Painter, cx, cy, rx, ry, ang, strength) -> None:
    """A dent: shading reversed across a soft hollow with a dark crease and a bright rim."""
    ca, sa = math.cos(ang), math.sin(ang)
    lu, lv = -0.6 * ca - 0.8 * sa, 0.6 * sa - 0.8 * ca   # light from the upper left, in dent coordinates

    def fn(xx, yy):
        u = ((xx - cx) * ca + (yy - cy) * sa) / rx
        v = (-(xx - cx) * sa + (yy - cy) * ca) / ry
        b = np.exp(-(u * u + v * v) * 1.6)
        f = 1 + strength * 1.6 * (u * lu + v * lv) * b
        f = f * (1 - 0.55 * strength * np.exp(-(v * 9) ** 2) * np.exp(-(u * u) * 1.2))
        f = f * (1 + 0.35 * strength * np.exp(-((v - 0.18) * 9) ** 2) * np.exp(-(u * u) * 1.5))
        return np.clip(f, 0.25, 1.9)
    R = max(rx, ry) * 2
    P.multiply_region((cx - R, cy - R, cx + R, cy + R), fn)


def _scorch(P: _Painter, rng, g, cx, cy, r, strength=1.0) -> None:
    bx0, by0 = int(max(0, cx - r)), int(max(0, cy - r))
    bx1, by1 = int(min(P.w, cx + r)), int(min(P.h, cy + r))
    if bx1 - bx0 < 4 or by1 - by0 < 4:
        return
    yy, xx = np.mgrid[by0:by1, bx0:bx1].astype(np.float32)
    rr = np.hypot(xx - cx, (yy - cy) * 1.2) / r
    nz = _smooth(g, by1 - by0, bx1 - bx0, r / 5)
    a = np.clip((1 - rr) * 1.4 + (nz - 0.5) * 1.1, 0, 1) ** 1.2 * strength
    m = Image.new("L", (P.w, P.h), 0)
    m.paste(Image.fromarray(_u8(a)), (bx0, by0))

    def col(x0, y0, x1, y1):
        t = np.clip(rr[y0 - by0:y1 - by0, x0 - bx0:x1 - bx0], 0, 1)[..., None]
        return np.array([0.05, 0.04, 0.03], np.float32) * (1 - t) + np.array([0.42, 0.24, 0.1], np.float32) * t
    P.paint(m, col, on=True)
    for _ in range(rng.randint(2, 6)):   # blistered spots
        x, y = cx + rng.uniform(-0.5, 0.5) * r, cy + rng.uniform(-0.5, 0.5) * r
        q = rng.uniform(0.04, 0.1) * r
        P.ellipse([x - q, y - q, x + q, y + q], (20, 15, 10), shade=sh_sphere(x, y, q, 0.5, 0.5, 0.5, 1.6), on=True)


def _tear(P: _Painter, rng, p0, p1, width, fabric, inner=(22, 20, 18), flap=True) -> None:
    """A ripped hole in fabric or leather with frayed threads and a hanging flap."""
    (x0, y0), (x1, y1) = p0, p1
    L = math.hypot(x1 - x0, y1 - y0)
    nx, ny = -(y1 - y0) / L, (x1 - x0) / L
    n = 14
    top, bot = [], []
    for i in range(n + 1):
        t = i / n
        wdt = width * math.sin(math.pi * t) ** 0.7
        cx, cy = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        top.append((cx + nx * wdt * rng.uniform(0.2, 1.0), cy + ny * wdt * rng.uniform(0.2, 1.0)))
        bot.append((cx - nx * wdt * rng.uniform(0.1, 0.6), cy - ny * wdt * rng.uniform(0.1, 0.6)))
    hole = top + bot[::-1]
    P.poly(hole, inner, on=True, shade=lambda xx, yy: 0.6 + 0.6 * np.clip((yy - min(y0, y1)) / max(1, width * 2), 0, 1))
    thread = _mix(fabric, (235, 230, 220), 0.4)
    for pts in (top, bot):
        for (ax, ay) in pts[1:-1]:
            for _ in range(rng.randint(1, 3)):
                a = rng.uniform(0, 2 * math.pi)
                ln = rng.uniform(0.15, 0.5) * width
                P.line([(ax, ay), (ax + math.cos(a) * ln, ay + math.sin(a) * ln)], 1.5, thread, on=True)
    if flap:   # the torn-off piece folded down
        k = rng.randint(3, n - 4)
        fp = bot[k:k + 4]
        tip = (fp[1][0] - nx * width * 1.8, fp[1][1] - ny * width * 1.8 + width)
        poly = fp + [tip]
        P.poly([(x + 3, y + 5) for x, y in poly], (0, 0, 0), opacity=0.35, blur=3, on=True)
        P.poly(poly, _scale(fabric, 0.85), on=True, edge=(0.3, 2))


def _hairline(P: _Painter, rng, p0, p1, width=2.0, light=True) -> None:
    pts = _jagged(p0, p1, rng, rng.randint(6, 12), 0.05)
    P.line(pts, width, (25, 22, 20), opacity=0.85, on=True)
    if light:
        P.line([(x + 1.5, y + 1) for x, y in pts], max(1, width - 1), (255, 255, 255), opacity=0.5, on=True)


def _cut_mask(P: _Painter, rng, p, ang, jag: float) -> np.ndarray:
    """1 on one side of a jagged line through p with normal angle `ang`."""
    nx, ny = math.cos(ang), math.sin(ang)
    yy, xx = _grid(P.h, P.w)
    t = (xx - p[0]) * -ny + (yy - p[1]) * nx
    knots = np.linspace(-P.w * 1.5, P.w * 1.5, 120)
    vals = np.array([rng.uniform(-jag, jag) for _ in knots], np.float32)
    off = np.interp(t, knots, vals).astype(np.float32)
    return (((xx - p[0]) * nx + (yy - p[1]) * ny + off) > 0).astype(np.float32)


def _snap(P: _Painter, rng, p, ang, pivot, deg, shift=(0, 0), jag=6.0, wires=None, edge_col=None) -> None:
    """Break the object along a jagged line through p: the far side turns by `deg` around `pivot`."""
    side = _cut_mask(P, rng, p, ang, jag)
    moving = P.layer(side)
    keep = 1 - side
    P.rgb *= keep[..., None]
    P.a *= keep
    if edge_col is not None:   # exposed material along the break
        m = Image.fromarray(_u8(side)).filter(ImageFilter.MaxFilter(5))
        ring = ImageChops.subtract(m, Image.fromarray(_u8(side)))
        P.paint(ring, edge_col, on=True, opacity=0.9)
    if wires:
        for col in wires:
            a = ang + rng.uniform(-0.8, 0.8)
            pts = [(p[0], p[1])]
            for _ in range(4):
                pts.append((pts[-1][0] + math.cos(a) * rng.uniform(4, 10), pts[-1][1] + math.sin(a) * rng.uniform(4, 10)))
                a += rng.uniform(-0.7, 0.7)
            P.line(pts, 2.5, col)
    moved = moving.rotate(deg, resample=Image.Resampling.BILINEAR, center=pivot, translate=shift)
    P.over(moved)


def _shatter(P: _Painter, rng, g, impact, obvious: bool, edge_col=(238, 234, 226)) -> None:
    """Break the painted object into jagged pieces scattered apart, with shards around."""
    box = P.alpha_mask().getbbox()
    if box is None:
        return
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    n = rng.randint(5, 8) if obvious else rng.randint(2, 3)
    seeds = [(impact[0] + rng.gauss(0, w * 0.3), impact[1] + rng.gauss(0, h * 0.3)) for _ in range(n)]
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    jitter = (_smooth(g, h, w, max(6, w / 6)) - 0.5) * w * 0.08 + (_smooth(g, h, w, 3) - 0.5) * 4
    dist = np.stack([np.hypot(xx - sx, yy - sy) for sx, sy in seeds])
    dist[0::2] += jitter
    lab = np.argmin(dist, axis=0)
    rgb_c, a_c = P.rgb[y0:y1, x0:x1], P.a[y0:y1, x0:x1]
    missing = rng.randrange(n) if obvious and rng.random() < 0.5 else -1
    pieces = []
    ec = np.asarray(edge_col, np.float32) / 255
    for i in range(n):
        keep = (lab == i) & (a_c > 0.02)
        if i == missing or keep.sum() < 30:
            continue
        ys, xs = np.nonzero(keep)
        py0, py1, px0, px1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        km = keep[py0:py1, px0:px1].astype(np.float32)
        pa = a_c[py0:py1, px0:px1] * km
        prgb = rgb_c[py0:py1, px0:px1] * km[..., None]
        mimg = Image.fromarray(_u8(km))
        ring = np.asarray(ImageChops.subtract(mimg, mimg.filter(ImageFilter.MinFilter(5))), np.float32)[..., None] / 255
        prgb = prgb * (1 - ring * 0.95) + ec * pa[..., None] * ring * 0.95
        arr = np.concatenate([prgb, pa[..., None]], axis=2)
        im = Image.frombytes("RGBa", (px1 - px0, py1 - py0), _u8(arr).tobytes())
        pcx, pcy = x0 + float(xs.mean()), y0 + float(ys.mean())
        k = rng.uniform(0.15, 0.45) if obvious else rng.uniform(0.03, 0.08)
        dx = (pcx - impact[0]) * k + rng.uniform(-0.05, 0.05) * w
        dy = (pcy - impact[1]) * k * 0.6 + (max(0.0, y1 - pcy) * rng.uniform(0.1, 0.4) if obvious else 0)
        deg = rng.uniform(-35, 35) if obvious else rng.uniform(-4, 4)
        im = im.rotate(deg, resample=Image.Resampling.BILINEAR, expand=True).convert("RGBA")
        bx = x0 + (px0 + px1) / 2 + dx - im.width / 2
        by = y0 + (py0 + py1) / 2 + dy - im.height / 2
        pieces.append((pcy, im, bx, by))
    P.rgb[:] = 0
    P.a[:] = 0
    for _, im, bx, by in sorted(pieces, key=lambda t: t[0]):
        P.over(im, (round(bx), round(by)))
    if obvious:   # small shards on the table around the base
        cols = []
        for _ in range(8):
            yy_, xx_ = rng.randrange(h), rng.randrange(w)
            if a_c[yy_, xx_] > 0.5:
                cols.append(tuple(int(v) for v in _u8(rgb_c[yy_, xx_] / max(1e-3, a_c[yy_, xx_]))))
        cols = cols or [edge_col]
        cxo = (x0 + x1) / 2
        for _ in range(rng.randint(8, 20)):
            sx, sy = cxo + rng.uniform(-0.75, 0.75) * w, y1 + rng.uniform(-0.12, 0.1) * h
            q = rng.uniform(4, 13)
            tri = [(sx + rng.uniform(-q, q), sy + rng.uniform(-q, q) * 0.5) for _ in range(3)]
            P.poly(tri, rng.choice(cols), edge=(0.2, 1))
            P.line(tri[:2], 1.5, edge_col, opacity=0.9)


def _chip(P: _Painter, rng, p, r, edge_col=(240, 236, 228)) -> None:
    pts = []
    for i in range(9):
        a = 2 * math.pi * i / 9
        q = r * rng.uniform(0.5, 1.1)
        pts.append((p[0] + math.cos(a) * q, p[1] + math.sin(a) * q * 0.7))
    P.erase(P.mask(lambda d: d.polygon(pts, fill=255)))
    P.paint(P.mask(lambda d: d.polygon([(x, y) for x, y in pts], outline=255, width=4)), edge_col, on=True)


def _spill(P: _Painter, rng, g, cx, cy, rx, ry, col) -> None:
    """A liquid puddle on the surface around the object base, plus droplets on the object."""
    bx0, by0 = int(max(0, cx - rx)), int(max(0, cy - ry))
    bx1, by1 = int(min(P.w, cx + rx)), int(min(P.h, cy + ry))
    if bx1 - bx0 < 4 or by1 - by0 < 4:
        return
    yy, xx = np.mgrid[by0:by1, bx0:bx1].astype(np.float32)
    dist = np.hypot((xx - cx) / rx, (yy - cy) / ry)
    nz = _smooth(g, by1 - by0, bx1 - bx0, max(4, rx / 4))
    blob = np.clip(((1 - dist) + (nz - 0.5) * 0.9) * 8, 0, 1)
    m = Image.new("L", (P.w, P.h), 0)
    m.paste(Image.fromarray(_u8(blob)), (bx0, by0))
    P.paint(m, col, opacity=rng.uniform(0.45, 0.7), under=True)
    ring = ImageChops.subtract(m, m.filter(ImageFilter.MinFilter(5)))
    P.paint(ring, (255, 255, 255), opacity=0.5, under=True)
    P.paint(m.filter(ImageFilter.GaussianBlur(3)).point(lambda v: 255 if 120 < v < 140 else 0), (255, 255, 255),
            opacity=0.6)


def _droplets(P: _Painter, rng, box, n) -> None:
    x0, y0, x1, y1 = box
    for _ in range(n):
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        q = rng.uniform(3, 9)
        P.ellipse([x - q, y - q * 0.8, x + q, y + q * 0.8], (60, 60, 70), opacity=0.35, on=True)
        P.ellipse([x - q * 0.35, y - q * 0.5, x + q * 0.05, y - q * 0.1], (255, 255, 255), opacity=0.8, on=True)


def _scratches(P: _Painter, rng, box, n, col=(235, 235, 235)) -> None:
    x0, y0, x1, y1 = box
    for _ in range(n):
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        a = rng.uniform(0, math.pi)
        L = rng.uniform(0.1, 0.4) * (x1 - x0)
        P.line(_jagged((x, y), (x + math.cos(a) * L, y + math.sin(a) * L), rng, 4, 0.02), 1.2, col, opacity=0.7,
               on=True)


# ============================================================================================ products
_BODY_COLS = [(22, 22, 24), (236, 236, 234), (200, 32, 42), (32, 84, 172), (40, 140, 92), (240, 200, 40),
              (150, 150, 156), (246, 140, 170), (92, 62, 142), (232, 122, 32), (60, 180, 200), (122, 82, 52),
              (246, 240, 226), (70, 90, 60), (180, 200, 220)]
_METALS = [(196, 196, 202), (170, 172, 180), (214, 190, 150), (92, 92, 98), (226, 200, 192), (60, 62, 68)]
_BRANDS = ["AURA", "NOVA", "ZENTEK", "LUMA", "ORBIT", "KAIRO", "VEXA", "PULSE", "MERIDIAN", "ONYX"]


def _spline(pts, n=8, closed=True):
    """Catmull-Rom spline through control points."""
    P_ = list(pts)
    m = len(P_)
    out = []
    rng_ = range(m) if closed else range(m - 1)
    for i in rng_:
        p0 = P_[(i - 1) % m] if closed or i > 0 else P_[0]
        p1, p2 = P_[i], P_[(i + 1) % m]
        p3 = P_[(i + 2) % m] if closed or i + 2 < m else P_[-1]
        for k in range(n):
            t = k / n
            t2, t3 = t * t, t * t * t
            out.append(tuple(0.5 * ((2 * p1[j]) + (-p0[j] + p2[j]) * t + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t2 +
                                    (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t3) for j in (0, 1)))
    if not closed:
        out.append(P_[-1])
    return out


def _screen_content(rng, g, w: int, h: int, allow_off: bool = True) -> Image.Image:
    """What a phone/laptop/TV screen shows: wallpaper, app grid, document, code, a photo, or off."""
    w, h = max(8, int(w)), max(8, int(h))
    k = rng.random()
    if allow_off and k < 0.15:
        yy = np.linspace(0.10, 0.02, h, dtype=np.float32)[:, None, None]
        return _arr_img(np.broadcast_to(yy, (h, w, 3)).copy())
    if k < 0.4:
        return _wallpaper(g, rng, w, h)
    if k < 0.58:
        img = _wallpaper(g, rng, w, h)
        d = ImageDraw.Draw(img)
        cols = 4 if h > w else 8
        cs = w / (cols + 1)
        for r in range(int(h / cs / 1.25) - 1):
            for c in range(cols):
                x, y = cs * (0.5 + c * (cols + 0.2) / cols), cs * (1 + r * 1.25)
                d.rounded_rectangle([x, y, x + cs * 0.75, y + cs * 0.75], radius=cs * 0.18,
                                    fill=_jit(rng, rng.choice(_ACCENTS + [(255, 255, 255), (250, 200, 0)]), 30))
        return img
    if k < 0.74:
        dark = rng.random() < 0.3
        img = Image.new("RGB", (w, h), (30, 30, 32) if dark else (252, 252, 252))
        d = ImageDraw.Draw(img)
        u = max(w, h) / 60
        y = u * 2
        d.rectangle([0, 0, w, u * 1.2], fill=_jit(rng, rng.choice(_ACCENTS), 20))
        while y < h - u:
            if rng.random() < 0.15:
                d.rectangle([u * 1.5, y, u * 1.5 + rng.uniform(0.2, 0.5) * w, y + u * 0.9], fill=(60, 60, 70) if not dark
                            else (200, 200, 200))
                y += u * 1.8
            d.rectangle([u * 1.5, y, u * 1.5 + rng.uniform(0.5, 0.9) * (w - 3 * u), y + u * 0.45],
                        fill=(150, 150, 155) if not dark else (120, 120, 125))
            y += u * 0.95
        return img
    if k < 0.86:
        img = Image.new("RGB", (w, h), rng.choice([(30, 30, 30), (40, 42, 54), (0, 43, 54)]))
        d = ImageDraw.Draw(img)
        u = max(w, h) / 70
        y = u
        while y < h - u:
            x = u * (1 + 2 * rng.randint(0, 3))
            for _ in range(rng.randint(1, 4)):
                ln = rng.uniform(2, 10) * u
                d.rectangle([x, y, x + ln, y + u * 0.6], fill=rng.choice([(86, 156, 214), (206, 145, 120), (181, 206, 168),
                                                                          (220, 220, 170), (197, 134, 192), (212, 212, 212)]))
                x += ln + u * 0.8
            y += u * 1.35
        return img
    return _landscape_img(rng, g, w, h)


def _frame_rim(P, box, r, opacity=0.35):
    P.paint(P.mask(lambda d: d.rounded_rectangle([float(v) for v in box], radius=r, outline=255, width=2), blur=0.6),
            (255, 255, 255), opacity=opacity)


def _screen_damage(P, rng, g, m: Image.Image, box, sev: str, dark: bool) -> str:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    diag = math.hypot(w, h)
    corner = (rng.choice([x0 + w * 0.08, x1 - w * 0.08]), rng.choice([y0 + h * 0.06, y1 - h * 0.06]))
    anywhere = (rng.uniform(x0 + w * 0.15, x1 - w * 0.15), rng.uniform(y0 + h * 0.15, y1 - h * 0.15))
    if sev == "subtle":
        _cracks(P, rng, m, corner if rng.random() < 0.6 else anywhere, diag * rng.uniform(0.45, 0.8), False, dark)
        return "cracked_screen"
    mode = rng.choice(["shattered_screen", "cracked_screen", "lcd_bleed"])
    if mode == "lcd_bleed":
        _lcd_bleed(P, rng, g, m, box, anywhere)
        _cracks(P, rng, m, anywhere, diag * 0.4, False, True)
    else:
        imp = anywhere if mode == "shattered_screen" or rng.random() < 0.5 else corner
        if mode == "shattered_screen" and rng.random() < 0.5:
            _lcd_bleed(P, rng, g, m, box, imp)
        _cracks(P, rng, m, imp, diag * rng.uniform(0.55, 0.9), True, dark, shards=mode == "shattered_screen")
    return mode


def _content_dark(img: Image.Image) -> bool:
    return float(np.asarray(img.convert("L").resize((16, 16))).mean()) < 90


def _draw_phone(P, rng, g, S, sev, screen=None, tablet=False):
    if tablet:
        w = S * rng.uniform(0.8, 0.86)
        h = w / rng.uniform(1.35, 1.5)
    else:
        h = S * rng.uniform(0.8, 0.88)
        w = h / rng.uniform(1.95, 2.15)
    x0, y0 = (S - w) / 2, (S - h) / 2
    r = min(w, h) * (0.13 if not tablet else 0.07)
    col = _jit(rng, rng.choice([(25, 25, 28), (230, 230, 232), (40, 60, 110), (214, 190, 150), (150, 40, 50),
                                (90, 120, 100), (170, 172, 180)]), 6)
    lx = rng.uniform(-0.6, 0.6)
    P.rrect([x0, y0, x0 + w, y0 + h], r, col, shade=sh_cyl(x0, x0 + w, lx, 0.55, 1.15), edge=(0.45, 4))
    _frame_rim(P, [x0 + 1, y0 + 1, x0 + w - 1, y0 + h - 1], r)
    back = screen is None and not tablet and rng.random() < 0.22
    info = {"damage": None}
    if not back:
        b = min(w, h) * (0.035 if not tablet else 0.06)
        box = (x0 + b, y0 + b, x0 + w - b, y0 + h - b)
        m = P.mask(lambda d: d.rounded_rectangle(box, radius=max(1, r - b), fill=255))
        content = screen if screen is not None else _screen_content(rng, g, (box[2] - box[0]) / 1.5,
                                                                     (box[3] - box[1]) / 1.5)
        P.image_in(content, box, m)
        cx = x0 + w / 2
        if tablet:
            P.ellipse([x0 + b / 2 - 3, y0 + h / 2 - 3, x0 + b / 2 + 3, y0 + h / 2 + 3], (10, 10, 12))
        else:
            P.rrect([cx - w * 0.12, y0 + b + h * 0.012, cx + w * 0.12, y0 + b + h * 0.038], h * 0.013, (4, 4, 6))
        gx = rng.uniform(x0, x0 + w)
        P.poly([(gx, y0), (gx + w * 0.4, y0), (gx - w * 0.3, y0 + h), (gx - w * 0.7, y0 + h)], (255, 255, 255),
               opacity=rng.uniform(0.04, 0.14), clip=m)
        if sev:
            info["damage"] = _screen_damage(P, rng, g, m, box, sev, _content_dark(content))
    else:
        glass = P.mask(lambda d: d.rounded_rectangle([x0 + 3, y0 + 3, x0 + w - 3, y0 + h - 3], radius=r - 3, fill=255))
        cs = w * 0.42
        cbx, cby = x0 + w * 0.07, y0 + w * 0.07
        P.rrect([cbx, cby, cbx + cs, cby + cs], cs * 0.25, _scale(col, 0.85), edge=(0.5, 3))
        for (lx_, ly_) in [(0.28, 0.28), (0.28, 0.72), (0.72, 0.5)]:
            q = cs * 0.17
            cx_, cy_ = cbx + cs * lx_, cby + cs * ly_
            P.ellipse([cx_ - q, cy_ - q, cx_ + q, cy_ + q], (30, 30, 34), edge=(0.3, 2))
            P.ellipse([cx_ - q * 0.6, cy_ - q * 0.6, cx_ + q * 0.6, cy_ + q * 0.6], (8, 10, 20),
                      shade=sh_sphere(cx_, cy_, q * 0.6, -0.5, -0.5, 0.6, 1.8))
            P.ellipse([cx_ - q * 0.35, cy_ - q * 0.4, cx_ - q * 0.1, cy_ - q * 0.15], (255, 255, 255), opacity=0.7)
        brand = rng.choice(_BRANDS)
        P.text((x0 + w / 2, y0 + h * 0.55), brand, _font("sans_bold", w * 0.11), _mix(col, (255, 255, 255), 0.35)
               if _lum(col) < 128 else _scale(col, 0.75), anchor="mm")
        info["printed"] = {"logo": brand}
        gx = rng.uniform(x0, x0 + w)
        P.poly([(gx, y0), (gx + w * 0.3, y0), (gx - w * 0.2, y0 + h), (gx - w * 0.5, y0 + h)], (255, 255, 255),
               opacity=0.12, clip=glass)
        if sev:
            imp = (rng.uniform(x0 + w * 0.2, x0 + w * 0.8), rng.uniform(y0 + h * 0.3, y0 + h * 0.9))
            _cracks(P, rng, glass, imp, math.hypot(w, h) * (0.5 if sev == "subtle" else 0.85), sev == "obvious",
                    _lum(col) < 100, shards=sev == "obvious")
            info["damage"] = "cracked_back_glass"
    if sev == "subtle" and rng.random() < 0.35:   # plus a dented, scuffed corner
        cx_, cy_ = rng.choice([(x0 + 2, y0 + 2), (x0 + w - 2, y0 + h - 2), (x0 + w - 2, y0 + 2)])
        _chip(P, rng, (cx_, cy_), min(w, h) * 0.05, _mix(col, (220, 220, 220), 0.6))
        _scratches(P, rng, (cx_ - 30, cy_ - 30, cx_ + 30, cy_ + 30), 6)
    return info


def _draw_tablet(P, rng, g, S, sev):
    return _draw_phone(P, rng, g, S, sev, tablet=True)


def _draw_laptop(P, rng, g, S, sev, screen=None):
    Wl = S * rng.uniform(0.72, 0.8)
    lid_h = Wl * rng.uniform(0.6, 0.66)
    cx, top = S / 2, S * 0.08
    hinge = top + lid_h
    dd = Wl * rng.uniform(0.2, 0.28)
    body = _jit(rng, rng.choice([(196, 198, 204), (90, 92, 98), (30, 30, 34), (214, 196, 176), (160, 170, 180)]), 5)
    lid = [(cx - Wl / 2, top), (cx + Wl / 2, top), (cx + Wl / 2, hinge), (cx - Wl / 2, hinge)]
    deck = [(cx - Wl / 2, hinge), (cx + Wl / 2, hinge), (cx + Wl * 0.56, hinge + dd), (cx - Wl * 0.56, hinge + dd)]
    th = S * 0.015
    P.poly([deck[3], deck[2], (deck[2][0] - 2, deck[2][1] + th), (deck[3][0] + 2, deck[3][1] + th)], _scale(body, 0.7))
    P.poly(deck, body, shade=sh_lin(0, hinge, 0, hinge + dd, 0.85, 1.08), tex=0.04)

    def at(u, v):
        ax, ay = deck[0][0] + (deck[1][0] - deck[0][0]) * u, deck[0][1]
        bx, by = deck[3][0] + (deck[2][0] - deck[3][0]) * u, deck[3][1]
        return (ax + (bx - ax) * v, ay + (by - ay) * v)
    keys = []
    rows, cols = 5, 14
    for r_ in range(rows):
        for c_ in range(cols):
            u0, u1 = 0.07 + 0.86 * c_ / cols, 0.07 + 0.86 * (c_ + 0.82) / cols
            v0, v1 = 0.08 + 0.55 * r_ / rows, 0.08 + 0.55 * (r_ + 0.78) / rows
            if r_ == rows - 1 and 4 <= c_ <= 9:
                if c_ == 4:
                    u1 = 0.07 + 0.86 * (9.82) / cols
                else:
                    continue
            keys.append([at(u0, v0), at(u1, v0), at(u1, v1), at(u0, v1)])
    keyc = (28, 28, 30) if rng.random() < 0.7 else _scale(body, 0.92)
    km = P.mask(lambda d: [d.polygon(k, fill=255) for k in keys])
    P.paint(km, keyc, edge=(0.2, 1))
    P.poly([at(0.36, 0.7), at(0.64, 0.7), at(0.64, 0.95), at(0.36, 0.95)], _scale(body, 0.95), edge=(0.25, 2))
    P.poly(lid, body, edge=(0.2, 2))
    bz = Wl * 0.025
    P.poly([(lid[0][0] + 2, top + 2), (lid[1][0] - 2, top + 2), (lid[2][0] - 2, hinge - 2), (lid[3][0] + 2, hinge - 2)],
           (12, 12, 14))
    box = (lid[0][0] + bz, top + bz, lid[1][0] - bz, hinge - bz * 2.2)
    m = P.mask(lambda d: d.rectangle(box, fill=255))
    content = screen if screen is not None else _screen_content(rng, g, (box[2] - box[0]) / 1.5,
                                                                 (box[3] - box[1]) / 1.5)
    P.image_in(content, box, m)
    gx = rng.uniform(box[0], box[2])
    P.poly([(gx, box[1]), (gx + Wl * 0.3, box[1]), (gx - Wl * 0.1, box[3]), (gx - Wl * 0.4, box[3])], (255, 255, 255),
           opacity=rng.uniform(0.03, 0.1), clip=m)
    info = {"damage": None, "printed": {}}
    if sev:
        mode = rng.choice(["screen", "screen", "hinge", "keys", "spill"] if sev == "obvious" else
                          ["screen", "screen", "keys", "spill"])
        if mode == "screen":
            info["damage"] = _screen_damage(P, rng, g, m, box, sev, _content_dark(content))
        elif mode == "hinge":
            side = rng.choice([-1, 1])
            pivot = lid[2] if side > 0 else lid[3]
            _snap(P, rng, (cx, hinge - 1), -math.pi / 2, pivot, side * rng.uniform(6, 14), (0, -S * 0.02), jag=2,
                  wires=[(200, 40, 40), (40, 40, 40), (210, 140, 60)])
            info["damage"] = "broken_hinge"
        elif mode == "keys":
            for k in rng.sample(keys, rng.randint(2, 5) if sev == "subtle" else rng.randint(6, 12)):
                P.poly(k, (8, 8, 8))
                kc = [sum(p[0] for p in k) / 4, sum(p[1] for p in k) / 4]
                P.line([(kc[0] - 4, kc[1] - 3), (kc[0] + 4, kc[1] + 3)], 2, (230, 230, 230))
            if sev == "obvious":
                _cracks(P, rng, m, (rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3])),
                        (box[2] - box[0]) * 0.5, False, True)
            info["damage"] = "missing_keys"
        else:
            col = rng.choice([(90, 50, 20), (150, 150, 160), (120, 40, 50)])
            _spill(P, rng, g, cx + rng.uniform(-0.2, 0.2) * Wl, hinge + dd * 0.9, Wl * 0.35, dd * 0.6, col)
            dm = P.mask(lambda d: d.polygon(deck, fill=255))
            sp = at(rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.6))
            P.ellipse([sp[0] - Wl * 0.18, sp[1] - dd * 0.25, sp[0] + Wl * 0.18, sp[1] + dd * 0.25], col,
                      opacity=0.5, clip=dm, blur=3)
            _droplets(P, rng, (deck[0][0], hinge, deck[1][0], hinge + dd), rng.randint(6, 16))
            if sev == "obvious":
                _lcd_bleed(P, rng, g, m, box, (rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3])))
            info["damage"] = "liquid_spill"
    return info


def _draw_laptop_with(rng, g, screen):
    P = _Painter(760, 760, g)
    _draw_laptop(P, rng, g, 760, None, screen=screen)
    img = P.image()
    return img.crop(img.getbbox())


def _draw_phone_with(rng, g, screen):
    P = _Painter(640, 640, g)
    _draw_phone(P, rng, g, 640, None, screen=screen)
    img = P.image()
    return img.crop(img.getbbox())


def _draw_tv(P, rng, g, S, sev):
    Wt = S * rng.uniform(0.84, 0.92)
    Ht = Wt * 9 / 16
    x0, y0 = (S - Wt) / 2, S * 0.16
    bz = Wt * rng.uniform(0.008, 0.02)
    col = rng.choice([(20, 20, 22), (40, 40, 44), (170, 170, 175)])
    if rng.random() < 0.5:
        P.poly([(S / 2 - Wt * 0.04, y0 + Ht - 5), (S / 2 + Wt * 0.04, y0 + Ht - 5), (S / 2 + Wt * 0.05, y0 + Ht + Wt * 0.1),
                (S / 2 - Wt * 0.05, y0 + Ht + Wt * 0.1)], _scale(col, 1.2), shade=sh_cyl(S / 2 - Wt * 0.05,
                                                                                       S / 2 + Wt * 0.05))
        P.ellipse([S / 2 - Wt * 0.22, y0 + Ht + Wt * 0.085, S / 2 + Wt * 0.22, y0 + Ht + Wt * 0.13], _scale(col, 1.3),
                  shade=sh_lin(0, y0 + Ht + Wt * 0.085, 0, y0 + Ht + Wt * 0.13, 1.3, 0.7))
    else:
        for sx in (x0 + Wt * 0.08, x0 + Wt * 0.92):
            P.poly([(sx - 6, y0 + Ht - 4), (sx + 6, y0 + Ht - 4), (sx + Wt * 0.05 * (1 if sx > S / 2 else -1), y0 + Ht + Wt * 0.08),
                    (sx + Wt * 0.03 * (1 if sx > S / 2 else -1), y0 + Ht + Wt * 0.085)], _scale(col, 1.3))
    P.rrect([x0, y0, x0 + Wt, y0 + Ht], 4, col, edge=(0.25, 2))
    box = (x0 + bz, y0 + bz, x0 + Wt - bz, y0 + Ht - bz * 1.6)
    m = P.mask(lambda d: d.rectangle(box, fill=255))
    content = _landscape_img(rng, g, 320, 180) if rng.random() < 0.45 else _screen_content(rng, g, 320, 180)
    P.image_in(content, box, m)
    brand = rng.choice(_BRANDS)
    P.text((S / 2, y0 + Ht - bz * 0.8), brand, _font("sans_bold", max(7, bz * 1.1)), (200, 200, 200), anchor="mm")
    gx = rng.uniform(box[0], box[2])
    P.poly([(gx, box[1]), (gx + Wt * 0.3, box[1]), (gx - Wt * 0.1, box[3]), (gx - Wt * 0.4, box[3])], (255, 255, 255),
           opacity=rng.uniform(0.03, 0.1), clip=m)
    info = {"damage": None, "printed": {}}
    if sev:
        info["damage"] = _screen_damage(P, rng, g, m, box, sev, _content_dark(content))
    return info


def _draw_watch(P, rng, g, S, sev):
    cx, cy = S / 2, S / 2
    round_ = rng.random() < 0.6
    cw = S * (0.36 if round_ else 0.32)
    chh = cw if round_ else cw * 1.2
    metal = _jit(rng, rng.choice(_METALS), 5)
    strap_kind = rng.choice(["leather", "silicone", "metal"])
    sc = metal if strap_kind == "metal" else _jit(rng, rng.choice([(90, 55, 30), (20, 20, 22), (150, 100, 60),
                                                                   (40, 60, 110), (200, 60, 60), (230, 230, 225),
                                                                   (60, 110, 80)]), 8)
    sw = cw * 0.62
    for (ya, yb) in ((S * 0.02, cy), (cy, S * 0.98)):
        P.rrect([cx - sw / 2, ya, cx + sw / 2, yb], sw * 0.15, sc, shade=sh_cyl(cx - sw / 2, cx + sw / 2, -0.3, 0.6, 1.1),
                edge=(0.3, 2), tex=0.08 if strap_kind == "leather" else 0)
        if strap_kind == "leather":
            for xs in (cx - sw / 2 + 5, cx + sw / 2 - 5):
                P.paint(P.mask(lambda d: [d.line([xs, y, xs, y + 5], fill=255, width=1)
                                          for y in np.arange(ya + 4, yb - 4, 9)]), _mix(sc, (255, 240, 200), 0.5),
                        opacity=0.8)
        elif strap_kind == "metal":
            P.paint(P.mask(lambda d: [d.line([cx - sw / 2, y, cx + sw / 2, y], fill=255, width=2)
                                      for y in np.arange(ya, yb, sw * 0.28)]), _scale(metal, 0.55))
    for y in np.arange(cy + chh * 0.75, S * 0.93, S * 0.05):   # strap holes
        if strap_kind != "metal":
            P.ellipse([cx - 4, y - 4, cx + 4, y + 4], _scale(sc, 0.35))
    P.rrect([cx + cw / 2 - 4, cy - cw * 0.08, cx + cw / 2 + cw * 0.08, cy + cw * 0.08], 3, metal,
            shade=sh_lin(0, cy - cw * 0.08, 0, cy + cw * 0.08, 1.2, 0.7))
    box = [cx - cw / 2, cy - chh / 2, cx + cw / 2, cy + chh / 2]
    if round_:
        P.ellipse(box, metal, shade=sh_sphere(cx, cy, cw / 2, -0.4, -0.5, 0.55, 1.2), edge=(0.3, 3))
    else:
        P.rrect(box, cw * 0.22, metal, shade=sh_lin(box[0], box[1], box[2], box[3], 1.2, 0.7), edge=(0.3, 3))
    inset = cw * 0.08
    dbox = [box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset]
    digital = not round_ and rng.random() < 0.7
    dial = (5, 5, 8) if digital else _jit(rng, rng.choice([(245, 245, 240), (20, 30, 60), (15, 15, 15), (30, 70, 50),
                                                            (200, 200, 205)]), 5)
    m = P.mask(lambda d: d.ellipse(dbox, fill=255) if round_ else d.rounded_rectangle(dbox, radius=cw * 0.16,
                                                                                      fill=255))
    P.paint(m, dial, shade=sh_lin(dbox[0], dbox[1], dbox[2], dbox[3], 1.1, 0.85))
    ink = (240, 240, 240) if _lum(dial) < 128 else (20, 20, 20)
    dr = (dbox[2] - dbox[0]) / 2
    if digital:
        t = f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d}"
        P.text((cx, cy - dr * 0.1), t, _font("sans_bold", dr * 0.55), (255, 255, 255), anchor="mm")
        P.text((cx, cy + dr * 0.45), f"{rng.randint(2000, 12000)} steps", _font("sans", dr * 0.16),
               rng.choice([(80, 220, 120), (255, 160, 40), (80, 180, 255)]), anchor="mm")
        P.ellipse([cx - dr * 0.7, cy - dr * 0.95, cx - dr * 0.4, cy - dr * 0.65], (255, 60, 80), opacity=0.9)
    else:
        for i in range(12):
            a = i * math.pi / 6
            r1, r2 = dr * 0.78, dr * (0.92 if i % 3 else 0.98)
            P.line([(cx + math.cos(a) * r1, cy + math.sin(a) * r1), (cx + math.cos(a) * r2, cy + math.sin(a) * r2)],
                   3 if i % 3 == 0 else 2, ink)
        brand = rng.choice(_BRANDS)
        P.text((cx, cy - dr * 0.4), brand, _font("serif_bold", dr * 0.14), ink, anchor="mm")
        for ang, ln, wd in ((rng.uniform(0, 2 * math.pi), 0.5, 5), (rng.uniform(0, 2 * math.pi), 0.72, 3.5),
                            (rng.uniform(0, 2 * math.pi), 0.8, 1.5)):
            P.line([(cx, cy), (cx + math.cos(ang) * dr * ln, cy + math.sin(ang) * dr * ln)], wd,
                   ink if wd > 2 else (220, 40, 40))
        P.ellipse([cx - 5, cy - 5, cx + 5, cy + 5], metal)
    P.poly([(dbox[0], dbox[1]), (cx, dbox[1]), (dbox[0] + dr * 0.4, dbox[3]), (dbox[0], dbox[3])], (255, 255, 255),
           opacity=0.1, clip=m)
    info = {"damage": None}
    if sev:
        modes = ["glass", "glass", "strap"] if sev == "obvious" else ["glass", "scratch"]
        mode = rng.choice(modes)
        if mode == "glass":
            imp = (cx + rng.uniform(-0.5, 0.5) * dr, cy + rng.uniform(-0.5, 0.5) * dr)
            _cracks(P, rng, m, imp, dr * (2.2 if sev == "obvious" else 1.6), sev == "obvious", _lum(dial) < 128,
                    shards=sev == "obvious" and rng.random() < 0.5)
            info["damage"] = "cracked_glass"
        elif mode == "strap":
            yb = cy + chh / 2 + (S * 0.98 - cy - chh / 2) * rng.uniform(0.25, 0.6)
            _snap(P, rng, (cx, yb), math.pi / 2, (cx + rng.choice([-1, 1]) * sw / 2, yb), rng.choice([-1, 1]) *
                  rng.uniform(25, 50), (rng.uniform(-20, 20), rng.uniform(10, 40)), jag=5,
                  edge_col=_mix(sc, (230, 220, 200), 0.5))
            info["damage"] = "snapped_strap"
        else:
            _scratches(P, rng, dbox, rng.randint(8, 16))
            _cracks(P, rng, m, (rng.choice([dbox[0], dbox[2]]), cy), dr * 1.4, False, _lum(dial) < 128)
            info["damage"] = "scratched_cracked_glass"
    return info


_CERAMICS = [(245, 244, 238), (30, 30, 34), (40, 80, 160), (200, 60, 50), (240, 200, 60), (120, 170, 150),
             (230, 160, 170), (170, 110, 70), (90, 140, 200), (250, 250, 250), (60, 100, 70)]


def _pattern(P, rng, box, shade, base):
    """Printed decoration on a product body (stripes, dots, text, logo): intact negatives for damage."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    c2 = _jit(rng, rng.choice([c for c in _CERAMICS + _BODY_COLS if abs(_lum(c) - _lum(base)) > 50] or [(0, 0, 0)]), 10)
    kind = rng.choice(["hstripes", "vstripes", "dots", "text", "logo", "band", "chevron", "thin_lines"])
    if kind == "hstripes":
        per = h / rng.randint(3, 8)
        P.paint(P.mask(lambda d: [d.rectangle([x0 - 5, y, x1 + 5, y + per * 0.45], fill=255)
                                  for y in np.arange(y0, y1, per)]), c2, shade=shade, on=True)
    elif kind == "thin_lines":
        per = h / rng.randint(8, 20)
        P.paint(P.mask(lambda d: [d.line([x0 - 5, y, x1 + 5, y + rng.uniform(-3, 3)], fill=255, width=2)
                                  for y in np.arange(y0 + per, y1, per)]), c2, shade=shade, on=True)
    elif kind == "vstripes":
        per = w / rng.randint(4, 10)
        P.paint(P.mask(lambda d: [d.rectangle([x, y0 - 5, x + per * 0.4, y1 + 5], fill=255)
                                  for x in np.arange(x0, x1, per)]), c2, shade=shade, on=True)
    elif kind == "dots":
        per = w / rng.randint(4, 8)
        q = per * rng.uniform(0.15, 0.3)
        P.paint(P.mask(lambda d: [d.ellipse([x - q, y - q, x + q, y + q], fill=255)
                                  for x in np.arange(x0, x1 + per, per) for y in np.arange(y0 + per / 2, y1, per)]),
                c2, shade=shade, on=True)
    elif kind == "chevron":
        per = h / rng.randint(3, 6)
        P.paint(P.mask(lambda d: [d.line([(x, y + per * 0.3 * ((i % 2) * 2 - 1)) for i, x in
                                          enumerate(np.arange(x0 - per, x1 + per, per / 2))], fill=255,
                                         width=max(2, int(per * 0.15))) for y in np.arange(y0 + per / 2, y1, per)]),
                c2, shade=shade, on=True)
    elif kind == "band":
        yb = y0 + h * rng.uniform(0.2, 0.7)
        P.paint(P.mask(lambda d: d.rectangle([x0 - 5, yb, x1 + 5, yb + h * rng.uniform(0.1, 0.25)], fill=255)), c2,
                shade=shade, on=True)
        P.paint(P.mask(lambda d: d.line([x0 - 5, yb - 4, x1 + 5, yb - 4], fill=255, width=2)), c2, shade=shade,
                on=True)
    elif kind == "text":
        t = rng.choice(["BEST DAD", "MONDAY", "COFFEE", "HELLO", "I ♥ NY", "BOSS", "TEA TIME", "GOOD VIBES", "OK",
                        "CARPE DIEM", "☕ FIRST"])
        f = _font(rng.choice(["sans_bold", "serif_bold", "sans_cond_bold"]), min(h * 0.22, w * 1.6 / max(3, len(t))))
        P.text(((x0 + x1) / 2, (y0 + y1) / 2), t, f, c2, anchor="mm", on=True, shade=shade)
    else:
        r = min(w, h) * 0.2
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        P.ellipse([cx - r, cy - r, cx + r, cy + r], c2, on=True, shade=shade)
        P.text((cx, cy), rng.choice(_BRANDS)[:2], _font("sans_bold", r * 0.9), base, anchor="mm", on=True)
    return kind


def _draw_mug(P, rng, g, S, sev):
    mw = S * rng.uniform(0.34, 0.42)
    mh = mw * rng.uniform(0.95, 1.25)
    hs = rng.choice([-1, 1])
    cx = S / 2 - hs * mw * 0.12
    x0, x1 = cx - mw / 2, cx + mw / 2
    top = S * 0.47 - mh / 2
    bot = top + mh
    ery = mw * rng.uniform(0.1, 0.18)
    col = _jit(rng, rng.choice(_CERAMICS), 8)
    lx = rng.uniform(-0.6, 0.6)
    shade = sh_cyl(x0, x1, lx, 0.5, 1.12)
    hx = x1 + mw * 0.1 if hs > 0 else x0 - mw * 0.1
    hb = [hx - mw * 0.2, top + mh * 0.15, hx + mw * 0.2, top + mh * 0.75]
    hwid = max(6, int(mw * 0.1))
    handle = P.mask(lambda d: d.ellipse(hb, outline=255, width=hwid))
    body_m = P.mask(lambda d: (d.rectangle([x0, top, x1, bot], fill=255), d.ellipse([x0, bot - ery, x1, bot + ery],
                                                                                    fill=255)))
    handle_only = ImageChops.subtract(handle, body_m)
    P.paint(handle_only, col, shade=sh_lin(hb[0], hb[1], hb[2], hb[3], 1.1, 0.6), edge=(0.4, 3))
    P.paint(body_m, col, shade=shade, edge=(0.25, 3))
    info = {"damage": None, "printed": {}}
    if rng.random() < 0.7:
        info["pattern"] = _pattern(P, rng, (x0, top + mh * 0.1, x1, bot - mh * 0.05), shade, col)
    rim = [x0, top - ery, x1, top + ery]
    P.ellipse(rim, _scale(col, 1.05))
    wall = mw * 0.05
    inner_col = (245, 242, 235) if rng.random() < 0.4 else _scale(col, 0.9)
    P.ellipse([x0 + wall, top - ery + wall * 0.6, x1 - wall, top + ery - wall * 0.6], inner_col,
              shade=sh_lin(0, top - ery, 0, top + ery, 0.45, 0.95))
    if rng.random() < 0.4:
        P.ellipse([x0 + wall * 1.8, top - ery * 0.5, x1 - wall * 1.8, top + ery * 0.8], (70, 40, 20),
                  shade=sh_lin(x0, 0, x1, 0, 0.8, 1.1))
    sx = cx - lx * mw * 0.3
    P.rrect([sx - mw * 0.04, top + mh * 0.08, sx + mw * 0.04, bot - mh * 0.1], mw * 0.04, (255, 255, 255),
            opacity=0.3, blur=mw * 0.02, on=True)
    if sev:
        edge = (246, 243, 236) if rng.random() < 0.7 else _mix(col, (255, 255, 255), 0.6)
        if sev == "obvious":
            mode = rng.choice(["shattered", "shattered", "handle_off"])
            if mode == "shattered":
                _shatter(P, rng, g, (cx + rng.uniform(-0.2, 0.2) * mw, top + mh * rng.uniform(0.3, 0.7)), True, edge)
            else:
                hl = P.layer(np.asarray(handle_only, np.float32) / 255)
                P.erase(handle_only.filter(ImageFilter.MaxFilter(3)))
                for yy_ in (hb[1] + mh * 0.05, hb[3] - mh * 0.05):
                    ax = x1 if hs > 0 else x0
                    P.ellipse([ax - 6, yy_ - 8, ax + 6, yy_ + 8], edge)
                P.over(hl.rotate(hs * rng.uniform(60, 110), resample=Image.Resampling.BILINEAR,
                                 center=(hx, (hb[1] + hb[3]) / 2), translate=(hs * mw * 0.35, mh * 0.3)))
                _hairline(P, rng, (cx + rng.uniform(-0.3, 0.3) * mw, top), (cx + rng.uniform(-0.3, 0.3) * mw, top + mh * 0.7))
            info["damage"] = mode
        else:
            px = cx + rng.uniform(-0.35, 0.35) * mw
            _chip(P, rng, (px, top + ery * rng.uniform(0.6, 0.9)), mw * rng.uniform(0.07, 0.12), edge)
            _hairline(P, rng, (px, top + ery), (px + rng.uniform(-0.3, 0.3) * mw, top + mh * rng.uniform(0.5, 0.9)), 2.5)
            info["damage"] = "chipped_cracked"
    return info


def _draw_vase(P, rng, g, S, sev):
    vh = S * rng.uniform(0.72, 0.86)
    top = (S - vh) / 2
    R = vh * rng.uniform(0.2, 0.3)
    cx = S / 2
    neck = rng.uniform(0.25, 0.55)
    bulge = rng.uniform(0.45, 0.8)
    pw = rng.uniform(0.8, 2.0)
    ys = np.linspace(top, top + vh, 40)

    def rad(t):
        base = neck + (1 - neck) * np.sin(np.pi * np.clip((t - 0.08) / 0.95, 0, 1) ** (1 / (bulge + 0.4))) ** pw
        flare = np.where(t < 0.08, (0.08 - t) / 0.08 * 0.25, 0)
        return R * (base + flare)
    rs = rad((ys - top) / vh)
    rs[-1] = rs[-2] * 0.9
    left = [(cx - r, y) for r, y in zip(rs, ys)]
    right = [(cx + r, y) for r, y in zip(rs, ys)][::-1]
    col = _jit(rng, rng.choice(_CERAMICS), 10)
    lx = rng.uniform(-0.6, 0.6)
    shade = sh_cyl(0, 1, lx, 0.45, 1.15, cx_fn=lambda yy: cx, r_fn=lambda yy: np.interp(yy, ys, rs))
    body = P.poly(left + right, col, shade=shade, edge=(0.25, 3))
    info = {"damage": None}
    if rng.random() < 0.75:
        info["pattern"] = _pattern(P, rng, (cx - R, top + vh * 0.12, cx + R, top + vh * 0.95), shade, col)
    ery = rs[0] * 0.25
    P.ellipse([cx - rs[0], top - ery, cx + rs[0], top + ery], _scale(col, 1.05))
    P.ellipse([cx - rs[0] * 0.8, top - ery * 0.7, cx + rs[0] * 0.8, top + ery * 0.7], (25, 22, 20))
    sx = cx - lx * R * 0.4
    P.rrect([sx - R * 0.05, top + vh * 0.15, sx + R * 0.05, top + vh * 0.85], R * 0.05, (255, 255, 255), opacity=0.28,
            blur=R * 0.03, on=True)
    if sev:
        edge = (240, 236, 226) if rng.random() < 0.6 else (200, 140, 100)
        if sev == "obvious":
            if rng.random() < 0.75:
                _shatter(P, rng, g, (cx + rng.uniform(-0.3, 0.3) * R, top + vh * rng.uniform(0.3, 0.7)), True, edge)
                info["damage"] = "shattered"
            else:
                for _ in range(rng.randint(3, 6)):
                    _hairline(P, rng, (cx + rng.uniform(-0.5, 0.5) * R, top + ery),
                              (cx + rng.uniform(-0.9, 0.9) * R, top + vh * rng.uniform(0.4, 0.95)), 3)
                _chip(P, rng, (cx + rng.uniform(-0.5, 0.5) * rs[0], top), rs[0] * 0.5, edge)
                info["damage"] = "cracked"
        else:
            px = cx + rng.uniform(-0.6, 0.6) * rs[0]
            _chip(P, rng, (px, top), rs[0] * rng.uniform(0.2, 0.35), edge)
            _hairline(P, rng, (px, top), (cx + rng.uniform(-0.6, 0.6) * R, top + vh * rng.uniform(0.4, 0.8)), 2.5)
            info["damage"] = "chipped_cracked"
    return info


def _draw_kettle(P, rng, g, S, sev):
    bw = S * rng.uniform(0.42, 0.5)
    tw = bw * rng.uniform(0.6, 0.85)
    kh = S * rng.uniform(0.42, 0.52)
    cx = S / 2
    bot = S * 0.8
    top = bot - kh
    steel = rng.random() < 0.5
    col = _jit(rng, (190, 192, 198) if steel else rng.choice(_BODY_COLS), 6)
    lx = rng.uniform(-0.6, 0.6)
    hs = rng.choice([-1, 1])
    # handle (behind), spout
    hx0 = cx + hs * tw * 0.2
    P.line(_spline([(hx0, top + 4), (cx + hs * bw * 0.55, top - kh * 0.05), (cx + hs * bw * 0.68, top + kh * 0.4),
                    (cx + hs * bw * 0.5, bot - kh * 0.25)], 8, closed=False), S * 0.045, _scale(col, 0.5)
           if steel else col, edge=(0.35, 3))
    sp = [(cx - hs * tw * 0.45, top + kh * 0.3), (cx - hs * bw * 0.75, top - kh * 0.05),
          (cx - hs * bw * 0.7, top - kh * 0.12), (cx - hs * bw * 0.4, top + kh * 0.55)]
    P.poly(sp, col, shade=sh_lin(0, top - kh * 0.1, 0, top + kh * 0.5, 1.15, 0.7), edge=(0.3, 2))
    body = _spline([(cx - tw / 2, top), (cx + tw / 2, top), (cx + bw * 0.5, bot - kh * 0.2), (cx + bw * 0.47, bot),
                    (cx - bw * 0.47, bot), (cx - bw * 0.5, bot - kh * 0.2)], 8)
    shade = sh_cyl(0, 1, lx, 0.35 if steel else 0.5, 1.25 if steel else 1.1, cx_fn=lambda yy: cx,
                   r_fn=lambda yy: tw / 2 + (bw - tw) / 2 * np.clip((yy - top) / kh, 0, 1))
    P.poly(body, col, shade=shade, edge=(0.3, 3))
    if steel:
        for off, op in ((-0.25, 0.5), (0.3, 0.25)):
            sx = cx + (off - lx * 0.2) * bw
            P.poly([(sx - 4, top + 6), (sx + 4, top + 6), (sx + 8, bot - 8), (sx - 2, bot - 8)], (255, 255, 255),
                   opacity=op, blur=3, on=True)
    else:
        sx = cx - lx * bw * 0.3
        P.poly([(sx - 5, top + 8), (sx + 5, top + 8), (sx + 9, bot - 10), (sx - 1, bot - 10)], (255, 255, 255),
               opacity=0.3, blur=4, on=True)
    if rng.random() < 0.6:   # water window with level marks
        wx = cx - hs * tw * 0.05
        P.rrect([wx - bw * 0.05, top + kh * 0.25, wx + bw * 0.05, bot - kh * 0.12], 5, (70, 110, 140), opacity=0.7,
                on=True)
        P.paint(P.mask(lambda d: [d.line([wx - bw * 0.03, y, wx + bw * 0.01, y], fill=255, width=2)
                                  for y in np.linspace(top + kh * 0.3, bot - kh * 0.18, 5)]), (240, 240, 240), on=True)
    P.ellipse([cx - tw * 0.48, top - kh * 0.06, cx + tw * 0.48, top + kh * 0.06], _scale(col, 1.08),
              shade=sh_lin(0, top - kh * 0.06, 0, top + kh * 0.06, 1.1, 0.8), edge=(0.3, 2))
    P.rrect([cx - tw * 0.12, top - kh * 0.14, cx + tw * 0.12, top - kh * 0.03], 6, (30, 30, 32),
            shade=sh_cyl(cx - tw * 0.12, cx + tw * 0.12))
    P.rrect([cx - bw * 0.52, bot - 4, cx + bw * 0.52, bot + kh * 0.07], 8, (28, 28, 30),
            shade=sh_lin(0, bot, 0, bot + kh * 0.07, 1.2, 0.7))
    brand = rng.choice(_BRANDS)
    P.text((cx + hs * bw * 0.15, bot - kh * 0.25), brand, _font("sans_bold", bw * 0.07), _scale(col, 0.55), anchor="mm",
           on=True)
    info = {"damage": None, "printed": {"logo": brand}}
    if sev:
        modes = ["dent", "scorch", "handle"] if sev == "obvious" else ["dent", "dent_small"]
        mode = rng.choice(modes)
        if mode.startswith("dent"):
            big = mode == "dent"
            for _ in range(rng.randint(1, 3) if big else 1):
                _dent(P, cx + rng.uniform(-0.25, 0.25) * bw, top + kh * rng.uniform(0.3, 0.75),
                      bw * (rng.uniform(0.12, 0.22) if big else rng.uniform(0.06, 0.1)),
                      kh * (rng.uniform(0.1, 0.18) if big else rng.uniform(0.05, 0.08)), rng.uniform(-0.6, 0.6),
                      1.0 if big else 0.85)
            info["damage"] = "dented"
        elif mode == "scorch":
            _scorch(P, rng, g, cx + rng.uniform(-0.2, 0.2) * bw, bot - kh * 0.12, bw * 0.45)
            _dent(P, cx + rng.uniform(-0.2, 0.2) * bw, top + kh * 0.5, bw * 0.12, kh * 0.1, 0.3, 0.6)
            info["damage"] = "scorched"
        else:
            _snap(P, rng, (cx + hs * bw * 0.6, top + kh * 0.1), math.atan2(-1, hs * 0.3) if hs > 0 else 0,
                  (cx + hs * bw * 0.5, bot - kh * 0.25), hs * rng.uniform(25, 45), (hs * 10, 25), jag=4,
                  edge_col=(60, 60, 60))
            _dent(P, cx, top + kh * 0.55, bw * 0.15, kh * 0.1, 0.2, 0.7)
            info["damage"] = "broken_handle"
    return info


def _draw_headphones(P, rng, g, S, sev):
    cx = S / 2
    col = _jit(rng, rng.choice(_BODY_COLS), 8)
    pad = _jit(rng, rng.choice([(25, 25, 28), (60, 60, 64), (120, 90, 70), (230, 228, 222)]), 6)
    rx, ry = S * rng.uniform(0.28, 0.32), S * rng.uniform(0.3, 0.36)
    cyb = S * 0.5
    band = [(cx + rx * math.cos(a), cyb - ry * math.sin(a)) for a in np.linspace(0.08, math.pi - 0.08, 40)]
    tb = S * rng.uniform(0.04, 0.055)
    P.line(band, tb, col, edge=(0.35, 3), shade=sh_lin(0, cyb - ry, 0, cyb, 1.15, 0.85))
    P.line([(x, y + tb * 0.55) for x, y in band[4:-4]], tb * 0.5, pad, edge=(0.3, 2))
    metal = _jit(rng, rng.choice(_METALS), 5)
    cups = []
    for sgn in (-1, 1):
        ex = cx + sgn * rx
        P.rrect([ex - S * 0.012, cyb - S * 0.02, ex + S * 0.012, cyb + S * 0.1], 3, metal,
                shade=sh_cyl(ex - S * 0.012, ex + S * 0.012))
        cw, chh = S * 0.15, S * 0.24
        ccx, ccy = ex, cyb + S * 0.17
        box = [ccx - cw / 2, ccy - chh / 2, ccx + cw / 2, ccy + chh / 2]
        P.ellipse(box, col, shade=sh_sphere(ccx, ccy, chh / 2, -0.4, -0.5, 0.5, 1.15), edge=(0.35, 3))
        cb = [ccx - sgn * cw * 0.05 - cw * 0.38, ccy - chh * 0.45, ccx - sgn * cw * 0.05 + cw * 0.38, ccy + chh * 0.45]
        cb = [cb[0] - sgn * cw * 0.25, cb[1], cb[2] - sgn * cw * 0.25, cb[3]]
        P.ellipse(cb, pad, shade=sh_sphere((cb[0] + cb[2]) / 2, ccy, chh / 2, -0.3, -0.4, 0.5, 1.1), edge=(0.4, 3),
                  tex=0.1)
        P.ellipse([ccx - cw * 0.22 + sgn * cw * 0.1, ccy - chh * 0.2, ccx + cw * 0.22 + sgn * cw * 0.1,
                   ccy + chh * 0.2], metal, opacity=0.6, edge=(0.3, 2))
        cups.append((ccx, ccy, cw, chh, cb))
    brand = rng.choice(_BRANDS)
    P.text((cups[1][0] + cups[1][2] * 0.1, cups[1][1]), brand[:1], _font("sans_bold", S * 0.04), _scale(col, 0.6)
           if _lum(col) > 90 else (220, 220, 220), anchor="mm")
    info = {"damage": None, "printed": {}}
    if sev:
        if sev == "obvious" or rng.random() < 0.3:
            t = rng.uniform(0.28, 0.45) if rng.random() < 0.5 else rng.uniform(0.55, 0.72)
            a = math.pi * (1 - t)
            p = (cx + rx * math.cos(a), cyb - ry * math.sin(a))
            tang = math.atan2(-ry * math.cos(a), -rx * math.sin(a))
            right = p[0] > cx
            pivot = (cx + rx * (1 if right else -1), cyb + S * 0.17)
            _snap(P, rng, p, tang + (0 if right else math.pi), pivot, (1 if right else -1) *
                  rng.uniform(12, 26) * (1 if sev == "obvious" else 0.5), (0, S * 0.02), jag=tb * 0.4,
                  wires=[(200, 40, 40), (210, 140, 60), (40, 90, 200)], edge_col=(200, 200, 195))
            info["damage"] = "snapped_band"
        else:
            ccx, ccy, cw, chh, cb = rng.choice(cups)
            _tear(P, rng, (cb[0] + (cb[2] - cb[0]) * 0.3, cb[1] + chh * 0.2), (cb[2] - (cb[2] - cb[0]) * 0.2,
                                                                                 cb[3] - chh * 0.3),
                  chh * 0.07, pad, inner=(220, 190, 60), flap=False)
            info["damage"] = "torn_cushion"
    return info


def _draw_sneaker(P, rng, g, S, sev):
    col = _jit(rng, rng.choice(_BODY_COLS), 8)
    sole_c = _jit(rng, rng.choice([(245, 245, 240), (30, 30, 30), (190, 140, 80), (240, 240, 240)]), 5)
    acc = _jit(rng, rng.choice([c for c in _BODY_COLS if abs(_lum(c) - _lum(col)) > 40] or [(0, 0, 0)]), 10)
    flip = rng.random() < 0.5

    def X(x):
        return S - x * S if flip else x * S
    pts_up = [(0.12, 0.64), (0.13, 0.44), (0.2, 0.38), (0.3, 0.42), (0.42, 0.33), (0.5, 0.36), (0.62, 0.47),
              (0.78, 0.53), (0.88, 0.6), (0.87, 0.66)]
    up = [(X(x), y * S) for x, y in _spline(pts_up, 6, closed=False)]
    up_poly = up + [(X(0.87), 0.66 * S), (X(0.12), 0.66 * S)]
    sole = _spline([(0.1, 0.62), (0.5, 0.65), (0.88, 0.6), (0.93, 0.63), (0.9, 0.71), (0.5, 0.73), (0.1, 0.72),
                    (0.08, 0.67)], 6)
    sole = [(X(x), y * S) for x, y in sole]
    info = {"damage": None, "printed": {}}
    P.poly(up_poly, col, shade=sh_lin(0, 0.33 * S, 0, 0.66 * S, 1.12, 0.8), edge=(0.3, 3), tex=0.12)
    P.poly([(X(0.66), 0.5 * S), (X(0.78), 0.53 * S), (X(0.88), 0.6 * S), (X(0.87), 0.66 * S), (X(0.66), 0.66 * S)],
           _scale(col, 0.9) if rng.random() < 0.5 else acc, on=True, tex=0.1)
    P.poly([(X(0.12), 0.66 * S), (X(0.13), 0.44 * S), (X(0.2), 0.42 * S), (X(0.24), 0.66 * S)], acc, on=True)
    stripe = _spline([(0.3, 0.6), (0.45, 0.5), (0.6, 0.44), (0.64, 0.47), (0.48, 0.56), (0.34, 0.63)], 6)
    if rng.random() < 0.8:
        P.poly([(X(x), y * S) for x, y in stripe], acc if rng.random() < 0.5 else sole_c, on=True, edge=(0.2, 2))
    P.ellipse([X(0.17) - S * 0.05, 0.37 * S, X(0.17) + S * 0.1 * (-1 if flip else 1) + S * 0.05, 0.43 * S], (25, 22, 20))
    eyelets = [(X(0.32 + i * 0.05), (0.415 - i * 0.004 + i * 0.012) * S) for i in range(5)]
    lace = _jit(rng, rng.choice([(250, 250, 250), (20, 20, 20), (200, 40, 40)]), 5)
    for i, (ex, ey) in enumerate(eyelets):
        P.ellipse([ex - 4, ey - 4, ex + 4, ey + 4], (40, 40, 40))
        if i:
            px, py = eyelets[i - 1]
            P.line([(px, py), (ex + (8 if not flip else -8), ey - 14)], 4, lace)
            P.line([(px + (8 if not flip else -8), py - 14), (ex, ey)], 4, lace, edge=(0.2, 1))
    P.paint(P.mask(lambda d: [d.line([X(x), y * S, X(x + 0.012), y * S], fill=255, width=1)
                              for x in np.arange(0.15, 0.85, 0.025) for y in (0.615,)]), _mix(col, (255, 255, 255), 0.5),
            on=True)
    P.poly(sole, sole_c, shade=sh_lin(0, 0.62 * S, 0, 0.73 * S, 1.1, 0.75), edge=(0.3, 2))
    P.paint(P.mask(lambda d: d.line([(X(x), y * S) for x, y in [(0.1, 0.69), (0.5, 0.7), (0.9, 0.68)]], fill=255,
                                    width=2)), _scale(sole_c, 0.7), on=True)
    if sev:
        modes = ["torn_upper", "sole_detached", "torn_upper"] if sev == "obvious" else ["torn_small", "scuffed"]
        mode = rng.choice(modes)
        if mode == "torn_upper":
            _tear(P, rng, (X(rng.uniform(0.3, 0.4)), S * rng.uniform(0.47, 0.52)),
                  (X(rng.uniform(0.6, 0.7)), S * rng.uniform(0.52, 0.58)), S * 0.035, col)
            info["damage"] = "torn_upper"
        elif mode == "torn_small":
            _tear(P, rng, (X(0.7), S * 0.55), (X(0.8), S * 0.58), S * 0.018, col, flap=False)
            info["damage"] = "torn_upper"
        elif mode == "sole_detached":
            gap = [(X(0.55), 0.655 * S), (X(0.9), 0.61 * S), (X(0.92), 0.66 * S), (X(0.6), 0.67 * S)]
            P.poly(gap, (20, 18, 16))
            _snap(P, rng, (X(0.6), 0.68 * S), 0 if not flip else math.pi, (X(0.58), 0.7 * S),
                  (-1 if not flip else 1) * rng.uniform(8, 14), (0, 6), jag=3, edge_col=(200, 190, 160))
            info["damage"] = "sole_detached"
        else:
            for _ in range(rng.randint(2, 4)):
                x, y = X(rng.uniform(0.2, 0.8)), S * rng.uniform(0.45, 0.65)
                P.ellipse([x - 25, y - 12, x + 25, y + 12], (90, 70, 50), opacity=0.5, blur=6, on=True)
            _scratches(P, rng, (min(X(0.2), X(0.85)), 0.45 * S, max(X(0.2), X(0.85)), 0.65 * S), 10, (60, 50, 40))
            _tear(P, rng, (X(0.45), S * 0.5), (X(0.5), S * 0.52), S * 0.012, col, flap=False)
            info["damage"] = "scuffed_torn"
    return info


def _draw_lamp(P, rng, g, S, sev):
    col = _jit(rng, rng.choice(_BODY_COLS), 8)
    info = {"damage": None, "printed": {}}
    if rng.random() < 0.5:   # desk lamp with arm
        flip = rng.choice([-1, 1])
        bx, by = S / 2 - flip * S * 0.15, S * 0.85
        P.ellipse([bx - S * 0.16, by - S * 0.04, bx + S * 0.16, by + S * 0.04], col,
                  shade=sh_lin(0, by - S * 0.04, 0, by + S * 0.04, 1.2, 0.7), edge=(0.3, 2))
        j1 = (bx + flip * S * 0.05, S * 0.45)
        j2 = (bx + flip * S * 0.32, S * 0.25)
        aw = S * 0.025
        P.line([(bx, by - S * 0.02), j1], aw, col, edge=(0.3, 2))
        P.line([j1, j2], aw, col, edge=(0.3, 2))
        for j in (j1, j2):
            P.ellipse([j[0] - aw, j[1] - aw, j[0] + aw, j[1] + aw], _scale(col, 0.8), shade=sh_sphere(j[0], j[1], aw))
        sh = [(j2[0] - flip * S * 0.04, j2[1] - S * 0.03), (j2[0] + flip * S * 0.05, j2[1] - S * 0.04),
              (j2[0] + flip * S * 0.2, j2[1] + S * 0.22), (j2[0] - flip * S * 0.06, j2[1] + S * 0.26)]
        P.poly(sh, col, shade=sh_lin(sh[0][0], sh[0][1], sh[2][0], sh[2][1], 1.2, 0.6), edge=(0.3, 3))
        mouth = [sh[3][0], min(sh[2][1], sh[3][1]) - 8, sh[2][0], max(sh[2][1], sh[3][1]) + 8]
        mouth = [min(mouth[0], mouth[2]), mouth[1], max(mouth[0], mouth[2]), mouth[3]]
        P.ellipse(mouth, (255, 240, 200), opacity=0.9)
        if sev:
            if rng.random() < 0.5 or sev == "subtle":
                imp = ((sh[0][0] + sh[2][0]) / 2, (sh[0][1] + sh[2][1]) / 2)
                _dent(P, imp[0], imp[1], S * 0.06, S * 0.05, 0.5, 1.1)
                if sev == "obvious":
                    _tear(P, rng, (imp[0] - S * 0.05, imp[1] - S * 0.03), (imp[0] + S * 0.06, imp[1] + S * 0.06),
                          S * 0.035, col, inner=(25, 20, 15), flap=False)
                    _snap(P, rng, j2, math.atan2(sh[2][1] - j2[1], sh[2][0] - j2[0]) + math.pi, j2,
                          flip * rng.uniform(20, 35), (0, S * 0.03), jag=3, wires=[(200, 40, 40)],
                          edge_col=(170, 170, 170))
                info["damage"] = "dented_shade" if sev == "subtle" else "broken_shade"
            else:
                _snap(P, rng, ((bx + j1[0]) / 2, (by + j1[1]) / 2), -math.pi / 2, ((bx + j1[0]) / 2, (by + j1[1]) / 2),
                      flip * rng.uniform(30, 60), (flip * S * 0.05, S * 0.1), jag=4, wires=[(200, 40, 40), (40, 40, 40)],
                      edge_col=(170, 170, 170))
                info["damage"] = "snapped_arm"
    else:   # table lamp
        base = _jit(rng, rng.choice(_CERAMICS), 8)
        bw, bh = S * 0.22, S * 0.3
        bcx, bbot = S / 2, S * 0.9
        body = _spline([(bcx - bw * 0.25, bbot - bh), (bcx + bw * 0.25, bbot - bh), (bcx + bw * 0.5, bbot - bh * 0.45),
                        (bcx + bw * 0.3, bbot), (bcx - bw * 0.3, bbot), (bcx - bw * 0.5, bbot - bh * 0.45)], 8)
        P.poly(body, base, shade=sh_cyl(bcx - bw / 2, bcx + bw / 2, -0.4, 0.45, 1.15), edge=(0.3, 3))
        P.rrect([bcx - 4, bbot - bh - S * 0.1, bcx + 4, bbot - bh], 3, (200, 190, 150))
        st, sb = S * 0.1, S * 0.5
        tw_, bw_ = S * rng.uniform(0.22, 0.3), S * rng.uniform(0.38, 0.48)
        shade_c = _jit(rng, rng.choice([(240, 230, 210), (230, 225, 215), (30, 30, 40), (150, 40, 50), (60, 90, 140),
                                        (200, 180, 140)]), 8)
        shp = [(S / 2 - tw_ / 2, st), (S / 2 + tw_ / 2, st), (S / 2 + bw_ / 2, sb), (S / 2 - bw_ / 2, sb)]
        P.poly(shp, shade_c, shade=sh_cyl(S / 2 - bw_ / 2, S / 2 + bw_ / 2, -0.3, 0.6, 1.1), edge=(0.25, 2), tex=0.12)
        if rng.random() < 0.5:
            _pattern(P, rng, (S / 2 - bw_ / 2, st, S / 2 + bw_ / 2, sb), None, shade_c)
        P.ellipse([S / 2 - bw_ / 2, sb - S * 0.02, S / 2 + bw_ / 2, sb + S * 0.02], (255, 245, 215), opacity=0.8)
        if sev:
            if sev == "obvious" and rng.random() < 0.5:
                _tear(P, rng, (S / 2 - bw_ * 0.25, st + (sb - st) * 0.35), (S / 2 + bw_ * 0.2, st + (sb - st) * 0.6),
                      S * 0.05, shade_c, inner=(60, 50, 40))
                _dent(P, S / 2 + bw_ * 0.2, st + (sb - st) * 0.4, S * 0.06, S * 0.08, 0.3, 0.9)
                lamp_shade = P.mask(lambda d: d.polygon(shp, fill=255))
                lay = P.layer(np.asarray(lamp_shade, np.float32) / 255)
                P.erase(lamp_shade)
                P.over(lay.rotate(rng.choice([-1, 1]) * rng.uniform(12, 22), resample=Image.Resampling.BILINEAR,
                                  center=(S / 2, sb), translate=(0, S * 0.03)))
                info["damage"] = "torn_tilted_shade"
            else:
                if sev == "obvious":
                    _shatter(P, rng, g, (bcx, bbot - bh * 0.5), False)
                for _ in range(rng.randint(1, 3)):
                    _hairline(P, rng, (bcx + rng.uniform(-0.3, 0.3) * bw, bbot - bh * 0.9),
                              (bcx + rng.uniform(-0.4, 0.4) * bw, bbot - bh * 0.1), 2.5)
                _chip(P, rng, (bcx + bw * 0.3, bbot - 2), bw * 0.12)
                info["damage"] = "cracked_base"
    return info


def _draw_backpack(P, rng, g, S, sev):
    col = _jit(rng, rng.choice(_BODY_COLS), 8)
    acc = _jit(rng, rng.choice([c for c in _BODY_COLS if abs(_lum(c) - _lum(col)) > 40] or [(0, 0, 0)]), 10)
    x0, x1 = S * 0.24, S * 0.76
    y0, y1 = S * 0.14, S * 0.92
    w = x1 - x0
    P.line([(x0 + w * 0.35, y0 + w * 0.05), (x0 + w * 0.4, y0 - S * 0.08), (x0 + w * 0.6, y0 - S * 0.08),
            (x0 + w * 0.65, y0 + w * 0.05)], S * 0.02, _scale(col, 0.6))
    for sx in (x0 - S * 0.03, x1 - S * 0.03):
        P.rrect([sx, y0 + w * 0.3, sx + S * 0.06, y1 - S * 0.1], S * 0.03, _scale(col, 0.7), edge=(0.3, 2))
    body = P.mask(lambda d: (d.ellipse([x0, y0, x1, y0 + w * 0.9], fill=255), d.rounded_rectangle(
        [x0, y0 + w * 0.4, x1, y1], radius=w * 0.12, fill=255)))
    shade = sh_mul(sh_cyl(x0, x1, -0.3, 0.6, 1.1), sh_lin(0, y0, 0, y1, 1.05, 0.85))
    P.paint(body, col, shade=shade, edge=(0.35, 4), tex=0.18)
    info = {"damage": None, "printed": {}}
    r = rng.random()
    if r < 0.55:
        info["pattern"] = _pattern(P, rng, (x0, y0, x1, y1), shade, col)
    pk = [x0 + w * 0.12, y0 + (y1 - y0) * 0.52, x1 - w * 0.12, y1 - (y1 - y0) * 0.06]
    P.rrect(pk, w * 0.1, acc if rng.random() < 0.5 else _scale(col, 0.92), shade=shade, edge=(0.35, 3), tex=0.15)
    P.line(_spline([(pk[0] + 8, pk[1] + 18), ((pk[0] + pk[2]) / 2, pk[1] + 6), (pk[2] - 8, pk[1] + 18)], 8,
                   closed=False), 3, (30, 30, 30))
    P.line(_spline([(x0 + w * 0.06, y0 + w * 0.4), ((x0 + x1) / 2, y0 + w * 0.05), (x1 - w * 0.06, y0 + w * 0.4)], 10,
                   closed=False), 3, (30, 30, 30))
    zx, zy = (pk[0] + pk[2]) / 2 + w * 0.15, pk[1] + 8
    P.rrect([zx - 4, zy, zx + 4, zy + S * 0.05], 3, (200, 200, 205), shade=sh_cyl(zx - 4, zx + 4), edge=(0.2, 1))
    if rng.random() < 0.5:
        brand = rng.choice(_BRANDS)
        lb = [(x0 + x1) / 2 - w * 0.18, y0 + w * 0.45, (x0 + x1) / 2 + w * 0.18, y0 + w * 0.58]
        P.rrect(lb, 5, _jit(rng, (30, 30, 30), 10))
        P.text(((lb[0] + lb[2]) / 2, (lb[1] + lb[3]) / 2), brand, _font("sans_bold", w * 0.07), (240, 240, 240),
               anchor="mm")
        info["printed"] = {"logo": brand}
    if sev:
        if sev == "obvious":
            mode = rng.choice(["ripped", "ripped", "strap"])
        else:
            mode = rng.choice(["seam", "ripped_small"])
        if mode == "ripped":
            a = (x0 + w * rng.uniform(0.1, 0.3), y0 + (y1 - y0) * rng.uniform(0.3, 0.5))
            b = (x1 - w * rng.uniform(0.1, 0.3), y0 + (y1 - y0) * rng.uniform(0.45, 0.75))
            _tear(P, rng, a, b, S * rng.uniform(0.04, 0.07), col)
            info["damage"] = "ripped"
        elif mode == "ripped_small":
            a = (x0 + w * 0.55, y0 + (y1 - y0) * 0.6)
            _tear(P, rng, a, (a[0] + w * 0.22, a[1] + S * 0.04), S * 0.02, col, flap=False)
            info["damage"] = "small_rip"
        elif mode == "seam":
            _tear(P, rng, (x1 - w * 0.06, y0 + w * 0.5), (x1 - w * 0.02, y0 + w * 0.85), S * 0.022, col, flap=False)
            info["damage"] = "burst_seam"
        else:
            sx = x1 - S * 0.03
            _snap(P, rng, (sx + S * 0.03, y0 + w * 0.5), -math.pi / 2, (sx + S * 0.03, y0 + w * 0.5), 0,
                  (S * 0.06, S * 0.06), jag=6)
            _tear(P, rng, (x0 + w * 0.3, y0 + w * 0.2), (x0 + w * 0.55, y0 + w * 0.3), S * 0.03, col)
            info["damage"] = "torn_strap_ripped"
    return info


def _draw_speaker(P, rng, g, S, sev):
    info = {"damage": None, "printed": {}}
    if rng.random() < 0.5:   # bookshelf speaker with a woofer
        col = _jit(rng, rng.choice([(30, 30, 32), (120, 80, 50), (235, 235, 232), (80, 55, 35)]), 8)
        bw, bh = S * 0.5, S * 0.78
        x0, y0 = (S - bw) / 2, (S - bh) / 2
        P.rrect([x0, y0, x0 + bw, y0 + bh], 6, col, shade=sh_lin(x0, y0, x0 + bw, y0 + bh, 1.1, 0.8), edge=(0.3, 3),
                tex=0.1 if _lum(col) > 60 else 0.03)
        tc = (S / 2, y0 + bh * 0.2)
        P.ellipse([tc[0] - bw * 0.15, tc[1] - bw * 0.15, tc[0] + bw * 0.15, tc[1] + bw * 0.15], (20, 20, 22),
                  edge=(0.4, 3))
        P.ellipse([tc[0] - bw * 0.07, tc[1] - bw * 0.07, tc[0] + bw * 0.07, tc[1] + bw * 0.07], (180, 180, 185),
                  shade=sh_sphere(tc[0], tc[1], bw * 0.07))
        wc = (S / 2, y0 + bh * 0.62)
        R = bw * 0.4
        P.ellipse([wc[0] - R, wc[1] - R, wc[0] + R, wc[1] + R], (15, 15, 16), edge=(0.3, 3))
        P.ellipse([wc[0] - R * 0.9, wc[1] - R * 0.9, wc[0] + R * 0.9, wc[1] + R * 0.9], (40, 40, 44),
                  shade=sh_sphere(wc[0], wc[1], R * 0.9, -0.3, -0.4, 0.6, 1.2))
        cone = _jit(rng, rng.choice([(50, 50, 55), (200, 200, 195), (190, 150, 60), (60, 80, 120)]), 6)
        P.ellipse([wc[0] - R * 0.78, wc[1] - R * 0.78, wc[0] + R * 0.78, wc[1] + R * 0.78], cone,
                  shade=lambda xx, yy: 0.55 + 0.5 * np.clip(np.hypot(xx - wc[0], yy - wc[1]) / (R * 0.78), 0, 1))
        P.ellipse([wc[0] - R * 0.25, wc[1] - R * 0.25, wc[0] + R * 0.25, wc[1] + R * 0.25], _scale(cone, 0.8),
                  shade=sh_sphere(wc[0], wc[1], R * 0.25, -0.4, -0.5, 0.5, 1.4))
        brand = rng.choice(_BRANDS)
        P.text((S / 2, y0 + bh * 0.93), brand, _font("sans_bold", bw * 0.07), (200, 200, 200) if _lum(col) < 128 else
               (40, 40, 40), anchor="mm")
        info["printed"] = {"logo": brand}
        if sev:
            if sev == "obvious":
                _dent(P, wc[0] + R * 0.2, wc[1] - R * 0.1, R * 0.35, R * 0.28, 0.5, 1.0)
                _tear(P, rng, (wc[0] - R * 0.3, wc[1] + R * 0.2), (wc[0] + R * 0.45, wc[1] + R * 0.35), R * 0.1, cone,
                      inner=(5, 5, 5), flap=rng.random() < 0.5)
                if rng.random() < 0.5:
                    _scorch(P, rng, g, x0 + bw * rng.uniform(0.2, 0.8), y0 + bh * 0.3, bw * 0.3)
                info["damage"] = "torn_dented_cone"
            else:
                _dent(P, wc[0] + R * 0.2, wc[1] - R * 0.1, R * 0.25, R * 0.18, 0.5, 0.9)
                _chip(P, rng, (x0 + 3, y0 + bh * rng.uniform(0.1, 0.9)), bw * 0.05, _mix(col, (230, 220, 200), 0.6))
                info["damage"] = "dented_cone"
    else:   # portable cylinder speaker lying down
        col = _jit(rng, rng.choice(_BODY_COLS), 8)
        L, D = S * 0.8, S * rng.uniform(0.3, 0.38)
        x0, y0 = (S - L) / 2, (S - D) / 2
        shade = sh_lin(0, y0, 0, y0 + D, 1.2, 0.55)
        P.rrect([x0, y0, x0 + L, y0 + D], D / 2, col, shade=shade, edge=(0.3, 3))
        grille = P.mask(lambda d: d.rounded_rectangle([x0 + D * 0.3, y0 + 3, x0 + L - D * 0.3, y0 + D - 3], radius=D * 0.1,
                                                      fill=255))
        per = S * 0.014
        P.paint(P.mask(lambda d: [d.ellipse([x - per * 0.3, y - per * 0.3, x + per * 0.3, y + per * 0.3], fill=255)
                                  for x in np.arange(x0 + D * 0.3, x0 + L - D * 0.3, per)
                                  for y in np.arange(y0 + per, y0 + D - per / 2, per)]), _scale(col, 0.5), clip=grille,
                shade=shade)
        for ex in (x0, x0 + L - D * 0.25):
            P.rrect([ex, y0, ex + D * 0.25, y0 + D], D * 0.12, (30, 30, 32), shade=shade, edge=(0.3, 2))
        brand = rng.choice(_BRANDS)
        P.rrect([S / 2 - D * 0.5, y0 + D * 0.4, S / 2 + D * 0.5, y0 + D * 0.6], 4, (20, 20, 20), opacity=0.85)
        P.text((S / 2, y0 + D / 2), brand, _font("sans_bold", D * 0.13), (240, 240, 240), anchor="mm")
        info["printed"] = {"logo": brand}
        if sev:
            if sev == "obvious":
                mode = rng.choice(["torn_grille", "cracked_casing", "scorched"])
            else:
                mode = rng.choice(["dented", "torn_grille_small"])
            if mode == "torn_grille":
                _tear(P, rng, (x0 + L * 0.3, y0 + D * 0.3), (x0 + L * 0.6, y0 + D * 0.65), D * 0.12, col)
            elif mode == "torn_grille_small":
                _tear(P, rng, (x0 + L * 0.55, y0 + D * 0.4), (x0 + L * 0.68, y0 + D * 0.5), D * 0.05, col, flap=False)
                mode = "torn_grille"
            elif mode == "cracked_casing":
                cm = P.alpha_mask()
                _cracks(P, rng, cm, (x0 + L * rng.uniform(0.2, 0.8), y0 + D * 0.3), L * 0.5, True, _lum(col) < 100)
            elif mode == "scorched":
                _scorch(P, rng, g, x0 + L * rng.uniform(0.3, 0.7), y0 + D * 0.6, D * 0.7)
            else:
                _dent(P, x0 + L * rng.uniform(0.3, 0.7), y0 + D * 0.4, D * 0.25, D * 0.2, 0.2, 0.9)
            info["damage"] = mode
    return info


def _draw_game_controller(P, rng, g, S, sev):
    col = _jit(rng, rng.choice([(30, 30, 34), (235, 235, 235), (40, 60, 140), (180, 30, 40), (80, 80, 88)]), 8)
    cx, cy = S / 2, S * 0.45
    W_, H_ = S * 0.7, S * 0.3
    shape = P.mask(lambda d: (d.rounded_rectangle([cx - W_ * 0.4, cy - H_ / 2, cx + W_ * 0.4, cy + H_ * 0.3],
                                                  radius=H_ * 0.4, fill=255),
                              d.polygon(_capsule((cx - W_ * 0.33, cy), (cx - W_ * 0.42, cy + H_ * 0.75), H_ * 0.3),
                                        fill=255),
                              d.polygon(_capsule((cx + W_ * 0.33, cy), (cx + W_ * 0.42, cy + H_ * 0.75), H_ * 0.3),
                                        fill=255)))
    P.paint(shape, col, shade=sh_lin(0, cy - H_ / 2, 0, cy + H_, 1.15, 0.7), edge=(0.4, 5))
    dark = (20, 20, 22) if _lum(col) > 60 else (60, 60, 66)
    dx, dy = cx - W_ * 0.3, cy - H_ * 0.05
    q = H_ * 0.12
    P.rrect([dx - q * 1.5, dy - q * 0.5, dx + q * 1.5, dy + q * 0.5], 3, dark, edge=(0.3, 2))
    P.rrect([dx - q * 0.5, dy - q * 1.5, dx + q * 0.5, dy + q * 1.5], 3, dark, edge=(0.3, 2))
    bx, by = cx + W_ * 0.3, cy - H_ * 0.05
    buttons = []
    for (ox, oy), c, t in zip([(0, -1), (1, 0), (0, 1), (-1, 0)], [(240, 200, 40), (220, 50, 50), (60, 190, 80),
                                                                   (60, 120, 230)], "YBAX"):
        px, py = bx + ox * q * 1.4, by + oy * q * 1.4
        r = q * 0.62
        P.ellipse([px - r, py - r, px + r, py + r], c, shade=sh_sphere(px, py, r), edge=(0.3, 2))
        P.text((px, py), t, _font("sans_bold", r * 1.1), (255, 255, 255), anchor="mm")
        buttons.append((px, py, r))
    sticks = []
    for sx, sy in ((cx - W_ * 0.14, cy + H_ * 0.3), (cx + W_ * 0.14, cy + H_ * 0.3)):
        r = H_ * 0.17
        P.ellipse([sx - r * 1.15, sy - r * 1.15, sx + r * 1.15, sy + r * 1.15], _scale(dark, 0.8))
        P.ellipse([sx - r, sy - r, sx + r, sy + r], (45, 45, 50), shade=sh_sphere(sx, sy, r, -0.3, -0.5, 0.5, 1.3),
                  edge=(0.3, 2))
        P.ellipse([sx - r * 0.7, sy - r * 0.7, sx + r * 0.7, sy + r * 0.7], (35, 35, 38),
                  shade=sh_sphere(sx, sy, r * 0.7, 0.3, 0.5, 0.6, 1.2))
        sticks.append((sx, sy, r))
    P.ellipse([cx - q * 0.7, cy - H_ * 0.2 - q * 0.7, cx + q * 0.7, cy - H_ * 0.2 + q * 0.7], (200, 200, 205),
              shade=sh_sphere(cx, cy - H_ * 0.2, q * 0.7))
    for ox in (-1, 1):
        P.rrect([cx + ox * W_ * 0.1 - q * 0.5, cy - H_ * 0.25 - q * 0.2, cx + ox * W_ * 0.1 + q * 0.5,
                 cy - H_ * 0.25 + q * 0.2], 3, dark)
    P.rrect([cx - W_ * 0.12, cy - H_ / 2 + 3, cx + W_ * 0.12, cy - H_ / 2 + 8], 3, rng.choice([(60, 140, 255),
                                                                                             (255, 60, 90)]),
            opacity=0.9)
    info = {"damage": None, "printed": {}}
    if sev:
        mode = rng.choice(["snapped_stick", "cracked_shell", "broken_grip"] if sev == "obvious" else
                          ["missing_button", "cracked_shell_small"])
        if mode == "snapped_stick":
            sx, sy, r = rng.choice(sticks)
            P.ellipse([sx - r, sy - r, sx + r, sy + r], (8, 8, 8))
            P.rrect([sx - r * 0.25, sy - r * 0.5, sx + r * 0.25, sy + r * 0.2], 2, (60, 60, 60), edge=(0.3, 1))
            P.line([(sx - r * 0.25, sy - r * 0.5), (sx, sy - r * 0.35), (sx + r * 0.25, sy - r * 0.55)], 2, (220, 220, 220))
            lx_, ly_ = sx + r * 3.5, cy + H_ * 0.95
            P.ellipse([lx_ - r, ly_ - r * 0.6, lx_ + r, ly_ + r * 0.6], (40, 40, 44), edge=(0.3, 2))
            P.rrect([lx_ - r * 0.25, ly_ - r * 1.3, lx_ + r * 0.25, ly_ - r * 0.3], 2, (60, 60, 60))
        elif mode.startswith("cracked_shell"):
            big = mode == "cracked_shell"
            _cracks(P, rng, shape, (cx + rng.uniform(-0.3, 0.3) * W_, cy + rng.uniform(-0.2, 0.4) * H_),
                    W_ * (0.5 if big else 0.3), big, _lum(col) < 100)
            mode = "cracked_shell"
        elif mode == "broken_grip":
            side = rng.choice([-1, 1])
            _snap(P, rng, (cx + side * W_ * 0.3, cy + H_ * 0.35), math.atan2(0.6, side * 1.0),
                  (cx + side * W_ * 0.38, cy + H_ * 0.5), side * rng.uniform(20, 35), (side * S * 0.06, S * 0.08),
                  jag=6, wires=[(200, 40, 40), (40, 40, 40)], edge_col=_mix(col, (255, 255, 255), 0.5))
        else:
            for px, py, r in rng.sample(buttons, 2):
                P.ellipse([px - r * 1.1, py - r * 1.1, px + r * 1.1, py + r * 1.1], (8, 8, 8))
                P.rrect([px - r * 0.4, py - r * 0.15, px + r * 0.4, py + r * 0.15], 1, (150, 150, 150))
            _hairline(P, rng, (bx, by + q * 2), (bx - W_ * 0.15, cy + H_ * 0.6), 2.5)
            _scratches(P, rng, (cx - W_ * 0.3, cy - H_ * 0.3, cx + W_ * 0.3, cy + H_ * 0.3), 8)
        info["damage"] = mode
    return info


_PRODUCT_DRAW = {"phone": _draw_phone, "tablet": _draw_tablet, "laptop": _draw_laptop, "tv": _draw_tv,
                 "watch": _draw_watch, "mug": _draw_mug, "vase": _draw_vase, "kettle": _draw_kettle,
                 "headphones": _draw_headphones, "sneaker": _draw_sneaker, "lamp": _draw_lamp,
                 "backpack": _draw_backpack, "speaker": _draw_speaker, "game_controller": _draw_game_controller}
_SMALL_PRODUCTS = {"phone", "watch", "mug", "headphones", "game_controller", "tablet", "sneaker"}


# ---------------------------------------------------------------------------------- more train-only products
def _radial_cracks(P: _Painter, rng, cx, cy, r, n) -> None:
    for _ in range(n):
        a = rng.uniform(0, 2 * math.pi)
        L = r * rng.uniform(0.5, 1.2)
        _hairline(P, rng, (cx, cy), (cx + math.cos(a) * L, cy + math.sin(a) * L), rng.uniform(1.5, 3.0))


def _draw_toaster(P, rng, g, S, sev):
    bw, bh = S * rng.uniform(0.55, 0.7), S * rng.uniform(0.36, 0.45)
    cx, bot = S / 2, S * 0.78
    top = bot - bh
    steel = rng.random() < 0.4
    col = _jit(rng, (200, 202, 208) if steel else rng.choice(_BODY_COLS + [(240, 235, 220), (150, 200, 220)]), 6)
    lx = rng.uniform(-0.6, 0.6)
    for k in (-1, 1):   # feet
        P.rrect([cx + k * bw * 0.38 - 12, bot - 6, cx + k * bw * 0.38 + 12, bot + 10], 4, (30, 30, 30))
    P.rrect([cx - bw / 2, top, cx + bw / 2, bot], bh * 0.22, col,
            shade=sh_cyl(cx - bw / 2, cx + bw / 2, lx, 0.45 if steel else 0.6, 1.25 if steel else 1.1), edge=(0.3, 4))
    for k in (-1, 1):   # bread slots seen over the top edge
        sx = cx + k * bw * 0.2
        P.rrect([sx - bw * 0.16, top + bh * 0.04, sx + bw * 0.16, top + bh * 0.1], 4, (25, 22, 20), on=True)
    P.rrect([cx - bw / 2 + 6, top + bh * 0.18, cx + bw / 2 - 6, top + bh * 0.24], 3, (255, 255, 255), opacity=0.18,
            on=True, blur=2)
    lever_x = cx + rng.choice([-1, 1]) * bw * 0.3
    P.rrect([lever_x - bw * 0.06, top + bh * 0.35, lever_x + bw * 0.06, top + bh * 0.45], 5, (35, 35, 38),
            edge=(0.3, 2), shade=sh_lin(0, top + bh * 0.35, 0, top + bh * 0.45, 1.2, 0.7))
    kx, ky, kr = cx, top + bh * 0.68, bh * 0.09
    P.ellipse([kx - kr, ky - kr, kx + kr, ky + kr], (40, 40, 44), shade=sh_sphere(kx, ky, kr), edge=(0.3, 2))
    for i in range(6):
        a = math.pi * (0.8 + 1.4 * i / 5)
        P.ellipse([kx + math.cos(a) * kr * 1.5 - 2, ky + math.sin(a) * kr * 1.5 - 2, kx + math.cos(a) * kr * 1.5 + 2,
                   ky + math.sin(a) * kr * 1.5 + 2], _scale(col, 0.5), on=True)
    brand = rng.choice(_BRANDS)
    P.text((cx, top + bh * 0.88), brand, _font("sans_bold", bh * 0.08), _scale(col, 0.55), anchor="mm", on=True)
    info = {"damage": None, "printed": {"logo": brand}}
    if sev:
        mode = rng.choice(["dent", "scorch", "lever", "cracked"] if sev == "obvious" else ["dent", "scorch_small"])
        if mode == "dent":
            for _ in range(rng.randint(1, 3)):
                _dent(P, cx + rng.uniform(-0.35, 0.35) * bw, top + bh * rng.uniform(0.3, 0.75),
                      bw * rng.uniform(0.06, 0.14), bh * rng.uniform(0.08, 0.16), rng.uniform(-0.6, 0.6), 1.0)
            info["damage"] = "dented"
        elif mode.startswith("scorch"):
            _scorch(P, rng, g, cx + rng.uniform(-0.25, 0.25) * bw, top + bh * 0.12,
                    bw * (0.3 if mode == "scorch" else 0.15))
            info["damage"] = "scorched"
        elif mode == "lever":
            _snap(P, rng, (lever_x, top + bh * 0.33), math.pi / 2, (lever_x, top + bh * 0.4), rng.uniform(30, 70),
                  (rng.uniform(10, 30), rng.uniform(20, 60)), jag=3, edge_col=(90, 90, 90))
            _dent(P, cx, top + bh * 0.5, bw * 0.1, bh * 0.12, 0.2, 0.7)
            info["damage"] = "broken_lever"
        else:
            _radial_cracks(P, rng, cx + rng.uniform(-0.3, 0.3) * bw, top + bh * rng.uniform(0.3, 0.7), bh * 0.6, 5)
            _chip(P, rng, (cx + rng.choice([-1, 1]) * bw / 2, top + bh * rng.uniform(0.3, 0.7)), bh * 0.12,
                  edge_col=_scale(col, 0.7))
            info["damage"] = "cracked_casing"
    return info


def _draw_remote(P, rng, g, S, sev):
    rw, rh = S * rng.uniform(0.16, 0.22), S * rng.uniform(0.66, 0.8)
    cx, cy = S / 2, S / 2
    x0, y0, x1, y1 = cx - rw / 2, cy - rh / 2, cx + rw / 2, cy + rh / 2
    col = _jit(rng, rng.choice([(25, 25, 28), (40, 40, 45), (220, 220, 222), (60, 62, 70)]), 5)
    P.rrect([x0, y0, x1, y1], rw * 0.35, col, shade=sh_cyl(x0, x1, -0.3, 0.6, 1.15), edge=(0.3, 3))
    bc = (60, 60, 66) if _lum(col) < 100 else (180, 180, 186)
    tc = (230, 230, 230) if _lum(col) < 100 else (30, 30, 30)
    P.ellipse([cx + rw * 0.15, y0 + rh * 0.04, cx + rw * 0.35, y0 + rh * 0.04 + rw * 0.2], (200, 40, 40),
              shade=sh_sphere(cx + rw * 0.25, y0 + rh * 0.04 + rw * 0.1, rw * 0.1))
    dy = y0 + rh * 0.3
    P.ellipse([cx - rw * 0.36, dy - rw * 0.36, cx + rw * 0.36, dy + rw * 0.36], bc, edge=(0.3, 2))
    P.ellipse([cx - rw * 0.14, dy - rw * 0.14, cx + rw * 0.14, dy + rw * 0.14], _scale(bc, 1.2), edge=(0.3, 2))
    keys = []
    for i in range(12):
        kx = cx + (i % 3 - 1) * rw * 0.28
        ky = y0 + rh * (0.5 + 0.07 * (i // 3))
        keys.append((kx, ky))
        P.ellipse([kx - rw * 0.1, ky - rw * 0.08, kx + rw * 0.1, ky + rw * 0.08], bc, edge=(0.3, 1.5))
        P.text((kx, ky), "1234567890-+"[i], _font("sans_bold", rw * 0.1), tc, anchor="mm")
    for k in (-1, 1):
        P.rrect([cx + k * rw * 0.22 - rw * 0.1, y0 + rh * 0.82, cx + k * rw * 0.22 + rw * 0.1, y0 + rh * 0.93], 5, bc,
                edge=(0.3, 1.5))
    brand = rng.choice(_BRANDS)
    P.text((cx, y0 + rh * 0.96), brand, _font("sans_bold", rw * 0.1), tc, anchor="mm", on=True)
    info = {"damage": None, "printed": {"logo": brand}}
    if sev:
        mode = rng.choice(["snapped", "missing_keys", "cracked"] if sev == "obvious" else ["missing_keys", "cracked"])
        if mode == "snapped":
            _snap(P, rng, (cx, cy + rh * rng.uniform(-0.1, 0.2)), math.pi / 2 + rng.uniform(-0.4, 0.4),
                  (cx, cy), rng.uniform(-40, 40), (rng.uniform(-30, 30), rng.uniform(20, 50)), jag=5,
                  wires=[(200, 40, 40), (40, 40, 200)], edge_col=(120, 120, 120))
            info["damage"] = "snapped_in_half"
        elif mode == "missing_keys":
            for kx, ky in rng.sample(keys, rng.randint(2, 5) if sev == "obvious" else 2):
                P.ellipse([kx - rw * 0.11, ky - rw * 0.09, kx + rw * 0.11, ky + rw * 0.09], (8, 8, 8), on=True)
                P.ellipse([kx - rw * 0.04, ky - rw * 0.03, kx + rw * 0.04, ky + rw * 0.03], (120, 140, 90), on=True)
            info["damage"] = "missing_buttons"
        else:
            _radial_cracks(P, rng, cx + rng.uniform(-0.3, 0.3) * rw, cy + rng.uniform(-0.3, 0.3) * rh, rh * 0.3,
                           rng.randint(3, 6))
            _chip(P, rng, (x0 if rng.random() < 0.5 else x1, cy + rng.uniform(-0.3, 0.3) * rh), rw * 0.2,
                  edge_col=(150, 150, 150))
            info["damage"] = "cracked_casing"
    return info


def _draw_camera(P, rng, g, S, sev):
    bw, bh = S * rng.uniform(0.62, 0.78), S * rng.uniform(0.38, 0.46)
    cx, cy = S / 2, S / 2 + S * 0.04
    x0, y0, x1, y1 = cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2
    col = _jit(rng, rng.choice([(25, 25, 28), (200, 200, 205), (40, 40, 45), (150, 110, 70)]), 5)
    P.rrect([cx - bw * 0.2, y0 - bh * 0.14, cx + bw * 0.2, y0 + 10], 8, _scale(col, 1.1), edge=(0.3, 2))
    P.rrect([x1 - bw * 0.25, y0 - bh * 0.08, x1 - bw * 0.12, y0 + 5], 5, (30, 30, 30), edge=(0.3, 2))
    P.rrect([x0, y0, x1, y1], bh * 0.1, col, shade=sh_lin(0, y0, 0, y1, 1.1, 0.8), edge=(0.3, 4), tex=0.12)
    if rng.random() < 0.6:   # leatherette band
        P.rrect([x0, y0 + bh * 0.25, x1, y1 - bh * 0.15], 0, (30, 30, 32), on=True, tex=0.6)
    P.rrect([x0 + bw * 0.05, y0 + bh * 0.08, x0 + bw * 0.18, y1 - bh * 0.08], 10, _scale(col, 0.8), edge=(0.3, 3),
            shade=sh_cyl(x0 + bw * 0.05, x0 + bw * 0.18))
    lr = bh * rng.uniform(0.36, 0.44)
    lx_, ly_ = cx + bw * 0.05, cy + bh * 0.04
    for k, c in ((1.0, (50, 50, 54)), (0.85, (20, 20, 22)), (0.62, (35, 45, 60)), (0.4, (15, 20, 30))):
        P.ellipse([lx_ - lr * k, ly_ - lr * k, lx_ + lr * k, ly_ + lr * k], c,
                  shade=sh_sphere(lx_, ly_, lr * k, lo=0.6, hi=1.3), edge=(0.3, 2))
    P.ellipse([lx_ - lr * 0.3, ly_ - lr * 0.32, lx_ - lr * 0.05, ly_ - lr * 0.1], (255, 255, 255), opacity=0.5, blur=3)
    P.rrect([x1 - bw * 0.16, y0 + bh * 0.08, x1 - bw * 0.05, y0 + bh * 0.22], 3, (230, 230, 220), edge=(0.2, 1))
    brand = rng.choice(_BRANDS)
    P.text((cx - bw * 0.2, y0 + bh * 0.12), brand, _font("sans_bold", bh * 0.08),
           (230, 230, 230) if _lum(col) < 100 else (30, 30, 30), anchor="lm", on=True)
    info = {"damage": None, "printed": {"logo": brand}}
    if sev:
        mode = rng.choice(["lens", "grip", "dent"] if sev == "obvious" else ["lens_small", "dent"])
        if mode.startswith("lens"):
            clip = P.mask(lambda d: d.ellipse([lx_ - lr * 0.62, ly_ - lr * 0.62, lx_ + lr * 0.62, ly_ + lr * 0.62],
                                              fill=255))
            ix, iy = lx_ + rng.uniform(-0.3, 0.3) * lr, ly_ + rng.uniform(-0.3, 0.3) * lr
            for _ in range(rng.randint(4, 8) if mode == "lens" else 2):
                a = rng.uniform(0, 2 * math.pi)
                pts = _jagged((ix, iy), (ix + math.cos(a) * lr, iy + math.sin(a) * lr), rng, 6, 0.08)
                P.line(pts, 2, (235, 240, 245), opacity=0.85, clip=clip, on=True)
            info["damage"] = "cracked_lens"
        elif mode == "grip":
            _snap(P, rng, (x0 + bw * 0.2, cy), 0.0 + rng.uniform(-0.3, 0.3), (x0 + bw * 0.2, y1),
                  rng.uniform(-35, -15), (-rng.uniform(10, 40), rng.uniform(10, 30)), jag=5, edge_col=(120, 120, 120))
            info["damage"] = "broken_grip"
        else:
            _dent(P, cx + rng.uniform(-0.4, 0.4) * bw, y0 + bh * rng.uniform(0.1, 0.3), bw * 0.08, bh * 0.1,
                  rng.uniform(-0.5, 0.5), 1.0)
            _scratches(P, rng, (x0, y0, x1, y1), rng.randint(5, 10))
            info["damage"] = "dented_scratched"
    return info


_PRODUCT_DRAW.update({"toaster": _draw_toaster, "remote_control": _draw_remote, "camera": _draw_camera})
_SMALL_PRODUCTS.update({"remote_control", "camera"})


# ------------------------------------------------------------------------------- procedural gadgets (train only)
# Objects that are no product in particular: a random body (box, round, grip or tall) carrying random controls.
# Why: with 14 drawn product types the encoder learns each type's own damage, and reads an unseen type's
# ordinary details (dark round recesses, sticks, seams) as damage. Many intact objects with such details, and
# the same generic damage (cracks, chips, dents, snapped parts, shattering) on shapes it has never seen, teach
# "damaged" as a property of surfaces rather than of a product type.
GADGET_FORMS = ("box", "round", "grip", "tall")


def _gadget_body(P, rng, S, form, col):
    """Paint the body; return (mask, inner box for controls, shade)."""
    cx, cy = S / 2, S * rng.uniform(0.45, 0.55)
    lx = rng.uniform(-0.6, 0.6)
    if form == "box":
        W_, H_ = S * rng.uniform(0.45, 0.8), S * rng.uniform(0.22, 0.55)
        box = [cx - W_ / 2, cy - H_ / 2, cx + W_ / 2, cy + H_ / 2]
        r = min(W_, H_) * rng.uniform(0.02, 0.3)
        if rng.random() < 0.45:   # a top face: reads as a 3-D box seen from above
            d = H_ * rng.uniform(0.15, 0.3)
            k = rng.uniform(-0.15, 0.15) * W_
            P.poly([(box[0] + r * 0.5, box[1] + 2), (box[2] - r * 0.5, box[1] + 2), (box[2] - r * 0.5 + k, box[1] - d),
                    (box[0] + r * 0.5 + k, box[1] - d)], _scale(col, 1.15), edge=(0.25, 2))
        m = P.mask(lambda dr: dr.rounded_rectangle(box, radius=r, fill=255))
        shade = sh_lin(0, box[1], 0, box[3], 1.12, 0.75)
        inner = (box[0] + W_ * 0.12, box[1] + H_ * 0.15, box[2] - W_ * 0.12, box[3] - H_ * 0.15)
    elif form == "round":
        R = S * rng.uniform(0.22, 0.36)
        ry = R * rng.uniform(0.55, 1.0)
        box = [cx - R, cy - ry, cx + R, cy + ry]
        m = P.mask(lambda dr: dr.ellipse(box, fill=255))
        shade = sh_sphere(cx, cy, max(R, ry), lx, -0.5, 0.55, 1.15) if rng.random() < 0.5 else \
            sh_lin(0, box[1], 0, box[3], 1.12, 0.75)
        inner = (cx - R * 0.6, cy - ry * 0.6, cx + R * 0.6, cy + ry * 0.6)
    elif form == "grip":
        W_, H_ = S * rng.uniform(0.45, 0.7), S * rng.uniform(0.16, 0.3)
        lobes = rng.choice([0, 1, 2, 2])
        spread, drop = rng.uniform(0.25, 0.45), rng.uniform(0.3, 0.9)
        def shape(dr):
            dr.rounded_rectangle([cx - W_ / 2, cy - H_ / 2, cx + W_ / 2, cy + H_ / 2], radius=H_ * 0.45, fill=255)
            for s in ([-1, 1] if lobes == 2 else [rng.choice([-1, 1])] if lobes else []):
                dr.polygon(_capsule((cx + s * W_ * spread, cy), (cx + s * W_ * (spread + 0.1), cy + H_ * (0.5 + drop)),
                                    H_ * rng.uniform(0.22, 0.35)), fill=255)
        m = P.mask(shape)
        shade = sh_lin(0, cy - H_ / 2, 0, cy + H_ * 1.2, 1.15, 0.7)
        inner = (cx - W_ * 0.4, cy - H_ * 0.35, cx + W_ * 0.4, cy + H_ * 0.35)
    else:   # tall: a profile of revolution (bottle, tower, flask), sometimes with a handle
        h = S * rng.uniform(0.5, 0.72)
        top, bot = cy - h / 2, cy + h / 2
        ws = [S * rng.uniform(0.1, 0.2) for _ in range(4)]
        prof = [(top, ws[0]), (top + h * 0.3, ws[1]), (top + h * 0.7, ws[2]), (bot, ws[3])]
        pts = [(cx - w, y) for y, w in prof] + [(cx + w, y) for y, w in reversed(prof)]
        body = _spline(pts, 6)
        if rng.random() < 0.4:
            hs = rng.choice([-1, 1])
            wmax = max(ws)
            P.line(_spline([(cx + hs * ws[1] * 0.9, top + h * 0.25), (cx + hs * (wmax + S * 0.1), top + h * 0.3),
                            (cx + hs * (wmax + S * 0.1), top + h * 0.6), (cx + hs * ws[2] * 0.9, top + h * 0.7)], 6,
                           closed=False), S * rng.uniform(0.02, 0.04), _scale(col, 0.8), edge=(0.35, 3))
        m = P.mask(lambda dr: dr.polygon([tuple(map(float, p)) for p in body], fill=255))
        wmin = min(ws)
        shade = sh_cyl(cx - max(ws), cx + max(ws), lx, 0.5, 1.15)
        inner = (cx - wmin * 0.7, top + h * 0.15, cx + wmin * 0.7, bot - h * 0.12)
    P.paint(m, col, shade=shade, edge=(rng.uniform(0.25, 0.4), rng.uniform(3, 6)), tex=rng.choice([0, 0, 0.1, 0.3]))
    return m, inner, shade


def _gadget_controls(P, rng, inner, col, shade):
    """Random controls and details on the body; returns the round ones (x, y, r) for damage to pick from."""
    x0, y0, x1, y1 = inner
    w, h = max(8.0, x1 - x0), max(8.0, y1 - y0)
    dark = (24, 24, 28) if _lum(col) > 70 else (70, 70, 78)
    rounds = []
    feats = rng.sample(["buttons", "recesses", "knob", "grille", "screen", "leds", "seams", "label", "pattern",
                        "slider", "ports"], rng.randint(2, 5))
    def spot(rx, ry):
        return rng.uniform(x0 + rx, max(x0 + rx + 1, x1 - rx)), rng.uniform(y0 + ry, max(y0 + ry + 1, y1 - ry))
    for f in feats:
        if f == "buttons":
            r = min(w, h) * rng.uniform(0.05, 0.12)
            n = rng.randint(2, 6)
            bx, by = spot(r * 3, r * 3)
            layout = rng.choice(["row", "diamond", "grid"])
            for i in range(n):
                if layout == "row":
                    px, py = bx + (i - n / 2) * r * 2.6, by
                elif layout == "diamond":
                    a = i * 2 * math.pi / n
                    px, py = bx + math.cos(a) * r * 1.6, by + math.sin(a) * r * 1.6
                else:
                    px, py = bx + (i % 3 - 1) * r * 2.6, by + (i // 3 - 0.5) * r * 2.6
                c = rng.choice([dark, _jit(rng, rng.choice(_BODY_COLS), 10), (220, 50, 50), (60, 190, 80)])
                P.ellipse([px - r, py - r, px + r, py + r], c, shade=sh_sphere(px, py, r), edge=(0.3, 2), on=True)
                rounds.append((px, py, r))
        elif f == "recesses":   # dark round holes and sockets: intact details that look like missing parts
            for _ in range(rng.randint(1, 3)):
                r = min(w, h) * rng.uniform(0.07, 0.18)
                px, py = spot(r, r)
                P.ellipse([px - r * 1.15, py - r * 1.15, px + r * 1.15, py + r * 1.15], _scale(dark, 0.8), on=True)
                P.ellipse([px - r, py - r, px + r, py + r], (14, 14, 16), shade=sh_sphere(px, py, r, 0.4, 0.5, 0.5, 1.4),
                          on=True)
                if rng.random() < 0.5:   # a stick or pin inside
                    P.ellipse([px - r * 0.6, py - r * 0.6, px + r * 0.6, py + r * 0.6], (45, 45, 50),
                              shade=sh_sphere(px, py, r * 0.6, -0.3, -0.5, 0.5, 1.3), edge=(0.3, 2), on=True)
                rounds.append((px, py, r))
        elif f == "knob":
            r = min(w, h) * rng.uniform(0.12, 0.25)
            px, py = spot(r, r)
            P.ellipse([px - r, py - r, px + r, py + r], _jit(rng, rng.choice(_METALS), 6),
                      shade=sh_sphere(px, py, r, lo=0.5, hi=1.25), edge=(0.35, 3), on=True)
            a = rng.uniform(0, 2 * math.pi)
            P.line([(px, py), (px + math.cos(a) * r * 0.8, py + math.sin(a) * r * 0.8)], max(2, r * 0.12), dark, on=True)
            rounds.append((px, py, r))
        elif f == "grille":
            gx0, gy0 = spot(w * 0.2, h * 0.2)
            gw, gh = w * rng.uniform(0.2, 0.4), h * rng.uniform(0.2, 0.45)
            step = max(5.0, min(gw, gh) / rng.randint(4, 9))
            if rng.random() < 0.5:
                P.paint(P.mask(lambda d: [d.ellipse([x - step * 0.22, y - step * 0.22, x + step * 0.22, y + step * 0.22],
                                                    fill=255) for x in np.arange(gx0 - gw / 2, gx0 + gw / 2, step)
                                          for y in np.arange(gy0 - gh / 2, gy0 + gh / 2, step)]), (15, 15, 18), on=True)
            else:
                P.paint(P.mask(lambda d: [d.line([gx0 - gw / 2, y, gx0 + gw / 2, y], fill=255, width=max(2, int(step * 0.3)))
                                          for y in np.arange(gy0 - gh / 2, gy0 + gh / 2, step)]), (15, 15, 18), on=True)
        elif f == "screen":
            sw, sh_ = w * rng.uniform(0.3, 0.6), h * rng.uniform(0.2, 0.45)
            px, py = spot(sw / 2, sh_ / 2)
            box = [px - sw / 2, py - sh_ / 2, px + sw / 2, py + sh_ / 2]
            lit = rng.random() < 0.5
            P.rrect(box, 4, (20, 60, 50) if lit else (12, 14, 18), shade=sh_lin(box[0], box[1], box[2], box[3], 1.3, 0.8),
                    edge=(0.3, 2), on=True)
            if lit:
                txt = rng.choice(["12:45", "88", "READY", "ON", "75%", "3:20", "OK", "AUTO"])
                P.text((px, py), txt, _font("mono", sh_ * 0.5), (120, 255, 200), anchor="mm", on=True)
            else:   # a reflection streak: straight, not a crack
                P.poly([(box[0] + sw * 0.15, box[1]), (box[0] + sw * 0.3, box[1]), (box[0] + sw * 0.1, box[3]),
                        (box[0] - sw * 0.05, box[3])], (255, 255, 255), opacity=0.15, on=True, clip=P.mask(
                            lambda d: d.rectangle(box, fill=255)))
        elif f == "leds":
            for _ in range(rng.randint(1, 4)):
                px, py = spot(6, 6)
                c = rng.choice([(60, 255, 120), (255, 60, 60), (80, 160, 255), (255, 200, 60)])
                P.ellipse([px - 4, py - 4, px + 4, py + 4], c, on=True)
                P.ellipse([px - 9, py - 9, px + 9, py + 9], c, opacity=0.25, blur=3, on=True)
        elif f == "seams":   # straight panel seams: intact lines
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.5:
                    y = rng.uniform(y0, y1)
                    pts = [(x0 - w * 0.3, y), (x1 + w * 0.3, y)]
                else:
                    x = rng.uniform(x0, x1)
                    pts = [(x, y0 - h * 0.3), (x, y1 + h * 0.3)]
                P.line(pts, 2, _scale(col, 0.55), opacity=0.8, on=True)
                P.line([(x + 1, y + 1) for x, y in pts], 1, _scale(col, 1.3), opacity=0.6, on=True)
        elif f == "label":
            px, py = spot(w * 0.2, h * 0.1)
            P.text((px, py), rng.choice(_BRANDS), _font("sans_bold", max(10, min(w, h) * rng.uniform(0.08, 0.16))),
                   (235, 235, 235) if _lum(col) < 110 else (30, 30, 34), anchor="mm", on=True)
        elif f == "pattern":
            _pattern(P, rng, (x0, y0, x1, y1), shade, col)
        elif f == "slider":
            px, py = spot(w * 0.25, 8)
            L = w * rng.uniform(0.2, 0.45)
            P.rrect([px - L / 2, py - 3, px + L / 2, py + 3], 3, (15, 15, 18), on=True)
            kx = px + rng.uniform(-0.5, 0.5) * L
            P.rrect([kx - 6, py - 10, kx + 6, py + 10], 3, _jit(rng, rng.choice(_METALS), 6), edge=(0.3, 2), on=True)
        else:   # ports along the lower edge
            for i in range(rng.randint(1, 4)):
                px = x0 + w * (0.15 + 0.2 * i)
                P.rrect([px - 8, y1 + h * 0.05, px + 8, y1 + h * 0.05 + 6], 2, (10, 10, 12), on=True)
    return rounds


def _draw_gadget(P, rng, g, S, sev, form=None):
    form = form or rng.choice(GADGET_FORMS)
    col = _jit(rng, rng.choice(_BODY_COLS + _METALS), 8)
    m, inner, shade = _gadget_body(P, rng, S, form, col)
    rounds = _gadget_controls(P, rng, inner, col, shade)
    x0, y0, x1, y1 = m.getbbox() or (0, 0, S, S)
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    info = {"damage": None, "printed": {}, "form": form}
    if not sev:
        return info
    obvious = sev == "obvious"
    modes = (["cracked", "shattered", "snapped", "chipped", "dented", "scorched", "punctured"] if obvious
             else ["cracked", "chipped", "dented", "missing_part", "scratched"])
    mode = rng.choice(modes)
    if mode == "missing_part" and not rounds:
        mode = "chipped"
    at = (cx + rng.uniform(-0.3, 0.3) * w, cy + rng.uniform(-0.3, 0.3) * h)
    if mode == "cracked":
        _cracks(P, rng, m, at, max(w, h) * (0.5 if obvious else 0.25), obvious, _lum(col) < 100)
    elif mode == "shattered":
        _shatter(P, rng, g, at, True, edge_col=_mix(col, (255, 255, 255), 0.5))
    elif mode == "snapped":
        ang = rng.uniform(0, 2 * math.pi)
        _snap(P, rng, at, ang, (cx, y1), rng.uniform(15, 40) * rng.choice([-1, 1]),
              (rng.uniform(-0.1, 0.1) * w, rng.uniform(0.02, 0.12) * h), jag=6,
              wires=[(200, 40, 40), (40, 40, 40)] if rng.random() < 0.5 else None,
              edge_col=_mix(col, (255, 255, 255), 0.5))
    elif mode == "chipped":
        for _ in range(rng.randint(1, 3) if obvious else 1):
            ex = rng.choice([x0 + w * 0.05, x1 - w * 0.05, cx + rng.uniform(-0.3, 0.3) * w])
            ey = rng.choice([y0 + h * 0.05, y1 - h * 0.05]) if ex not in (x0 + w * 0.05, x1 - w * 0.05) \
                else cy + rng.uniform(-0.3, 0.3) * h
            _chip(P, rng, (ex, ey), min(w, h) * (rng.uniform(0.08, 0.16) if obvious else rng.uniform(0.05, 0.08)),
                  edge_col=_mix(col, (255, 255, 255), 0.55))
        _hairline(P, rng, at, (at[0] + rng.uniform(-0.3, 0.3) * w, at[1] + rng.uniform(-0.3, 0.3) * h), 2.0)
    elif mode in ("dented", "scratched"):
        for _ in range(rng.randint(1, 3) if obvious else 1):
            _dent(P, cx + rng.uniform(-0.3, 0.3) * w, cy + rng.uniform(-0.3, 0.3) * h,
                  w * rng.uniform(0.08, 0.2), h * rng.uniform(0.08, 0.18), rng.uniform(-0.8, 0.8),
                  1.0 if obvious else 0.8)
        _scratches(P, rng, (x0 + w * 0.1, y0 + h * 0.1, x1 - w * 0.1, y1 - h * 0.1),
                   rng.randint(6, 14) if mode == "scratched" else rng.randint(0, 6))
    elif mode == "scorched":
        _scorch(P, rng, g, at[0], at[1], max(w, h) * rng.uniform(0.25, 0.4))
    elif mode == "punctured":   # a hole torn through the body, with a crack network around it
        r = min(w, h) * rng.uniform(0.08, 0.15)
        _chip(P, rng, at, r, edge_col=_mix(col, (255, 255, 255), 0.5))
        _cracks(P, rng, m, at, max(w, h) * 0.35, True, _lum(col) < 100)
    else:   # missing_part: a button or knob torn out, leaving a rough socket and a stub
        for px, py, r in rng.sample(rounds, min(len(rounds), rng.randint(1, 2))):
            P.ellipse([px - r * 1.1, py - r * 1.1, px + r * 1.1, py + r * 1.1], (8, 8, 8), on=True)
            P.poly(_jagged((px - r * 0.5, py), (px + r * 0.5, py), rng, 5, 0.3) + [(px + r * 0.3, py + r * 0.3),
                   (px - r * 0.3, py + r * 0.3)], (150, 150, 150), on=True)
        _hairline(P, rng, (px, py + r), (px + rng.uniform(-0.2, 0.2) * w, py + r + h * 0.2), 2.0)
    info["damage"] = mode
    return info


_PRODUCT_DRAW.update({f"gadget_{form}": partial(_draw_gadget, form=form) for form in GADGET_FORMS})
GADGET_TYPES = [f"gadget_{form}" for form in GADGET_FORMS]   # drawn only for the training photo bank


def _render_product(kind, layout, rng, g, split, product_types=None):
    ptype = rng.choice(product_types or PRODUCT_TYPES[split])
    damaged = kind == "damaged_product"
    sev = (rng.choice(["subtle", "obvious", "obvious"]) if damaged else None)
    S = 600
    P = _Painter(S, S, g)
    info = _PRODUCT_DRAW[ptype](P, rng, g, S, sev)
    obj = P.image()
    box = obj.getbbox() or (0, 0, S, S)
    obj = obj.crop((max(0, box[0] - 4), max(0, box[1] - 4), min(S, box[2] + 4), min(S, box[3] + 4)))
    size = _out_size(rng, 400, OUT_MAX)
    if layout == "studio":
        bgname, kw = "studio", dict(fill=(0.55, 0.8), rot=8, persp=0.05, effects=rng.uniform(0.2, 0.5))
    elif layout == "closeup":
        bgname = rng.choice(["wood", "desk", "fabric", "carpet", "counter"])
        kw = dict(fill=(0.85, 1.15), rot=25, persp=0.12, crop=0.2, effects=rng.uniform(0.5, 1.0))
    elif layout in _FLOOR_BGS:
        bgname = rng.choice(_FLOOR_BGS[layout])
        kw = dict(fill=(0.45, 0.88), rot=30, persp=0.15, crop=0.05, effects=rng.uniform(0.5, 1.0))
    elif layout == "doorstep":
        bgname = rng.choice(["concrete", "tiles", "doormat", "grass"])
        kw = dict(fill=(0.5, 0.85), rot=25, persp=0.15, effects=rng.uniform(0.6, 1.0))
    else:
        bgname = rng.choice(["wood", "wood", "desk", "counter", "fabric", "carpet"])
        kw = dict(fill=(0.55, 0.88), rot=25, persp=0.12, effects=rng.uniform(0.5, 1.0))
    hand = layout in ("closeup", "tabletop") and ptype in _SMALL_PRODUCTS and rng.random() < 0.12
    effects = kw.pop("effects")
    img, _ = _shoot(obj, bgname, rng, g, size, ws=(0.65, 1.0), effects=effects, hand=hand, **kw)
    meta = {"layout": layout, "product": ptype, "printed": info.get("printed") or {}, "background": bgname,
            "damage": info.get("damage"), "severity": sev}
    if info.get("pattern"):
        meta["pattern"] = info["pattern"]
    return img, meta


# ============================================================================================ parcels
_CARRIERS = [("SwiftPost", "SP", (220, 30, 40)), ("ParcelGo", "PG", (0, 110, 190)), ("DPX Express", "DX", (200, 0, 40)),
             ("NorthStar Logistics", "NS", (20, 40, 110)), ("EuroLink Parcel", "EL", (250, 190, 0)),
             ("QuickShip", "QS", (90, 40, 150)), ("Royal Parcel Service", "RP", (190, 20, 30)),
             ("Evergreen Couriers", "EC", (30, 130, 60))]


def _order_no(rng) -> str:
    r = rng.random()
    if r < 0.45:
        return f"A-{rng.randint(10000, 99999)}"
    if r < 0.85:
        return f"#{rng.randint(10000, 99999)}"
    return f"ORD-{rng.randint(100000, 999999)}"


def _tracking_no(rng, prefix: str) -> str:
    r = rng.random()
    if r < 0.4:
        return f"{prefix}{rng.randint(10 ** 8, 10 ** 9 - 1)}GB"
    if r < 0.7:
        return "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXY") for _ in range(16))
    return f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


def _shipping_label(rng, g, w: int) -> tuple[Image.Image, dict]:
    carrier, prefix, ccol = rng.choice(_CARRIERS)
    portrait = rng.random() < 0.7
    h = int(w * (1.5 if portrait else 0.72))
    img = Image.new("RGB", (w, h), _jit(rng, (252, 252, 248), 3))
    d = ImageDraw.Draw(img)
    fs = w / (24 if portrait else 34)
    fn, fnb = rng.choice([("sans", "sans_bold"), ("lsans", "lsans_bold"), ("sans_cond", "sans_cond_bold")])
    f, fb = _font(fn, fs), _font(fnb, fs)
    m = fs * 0.8
    ink = (15, 15, 15)
    d.rectangle([2, 2, w - 3, h - 3], outline=ink, width=max(2, int(fs / 8)))
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    city = rng.choice(_CITIES)
    pc = _postcode(rng)
    order = _order_no(rng)
    tracking = _tracking_no(rng, prefix)
    service = rng.choice(["PRIORITY", "EXPRESS 24", "TRACKED 48", "NEXT DAY", "STANDARD", "SIGNED FOR"])
    merchant = rng.choice(_MERCHANTS)[0]
    street = f"{rng.randint(1, 240)} {rng.choice(_STREETS)}"
    if portrait:
        # carrier band
        bh = fs * 2.6
        if rng.random() < 0.5:
            d.rectangle([2, 2, w - 3, bh], fill=ccol)
            cc = (255, 255, 255) if _lum(ccol) < 170 else (0, 0, 0)
        else:
            cc = ccol
        d.text((m, bh / 2), carrier.upper(), font=_font("sans_bold", fs * 1.3), fill=cc, anchor="lm")
        sw = _tsize(d, service, fb)[0] + fs
        d.rectangle([w - m - sw, bh + fs * 0.5, w - m, bh + fs * 2.1], fill=ink)
        d.text((w - m - sw / 2, bh + fs * 1.3), service, font=fb, fill=(255, 255, 255), anchor="mm")
        y = bh + fs * 0.6
        d.text((m, y), "FROM:", font=_font(fnb, fs * 0.75), fill=ink)
        d.text((m, y + fs * 0.95), merchant, font=_font(fn, fs * 0.75), fill=ink)
        d.text((m, y + fs * 1.9), f"Unit {rng.randint(1, 40)}, {rng.choice(_CITIES)} DC", font=_font(fn, fs * 0.75),
               fill=ink)
        y += fs * 3.4
        d.line([2, y, w - 3, y], fill=ink, width=2)
        y += fs * 0.5
        d.text((m, y), "SHIP TO:", font=fb, fill=ink)
        y += fs * 1.5
        for t, ft in ((name.upper(), _font(fnb, fs * 1.35)), (street, _font(fn, fs * 1.15)),
                      (f"{city.upper()} {pc}", _font(fnb, fs * 1.25)), ("UNITED KINGDOM", f)):
            d.text((m * 1.5, y), t, font=ft, fill=ink)
            y += ft.size * 1.35
        y += fs * 0.3
        d.line([2, y, w - 3, y], fill=ink, width=2)
        y += fs * 0.8
        bc_h = fs * rng.uniform(3.5, 5)
        _draw_barcode(d, (m * 1.5, y, w - m * 1.5, y + bc_h), tracking, ink)
        y += bc_h + fs * 0.3
        d.text((w / 2, y), tracking, font=_font("mono_bold", fs * 1.05), fill=ink, anchor="ma")
        y += fs * 1.8
        d.line([2, y, w - 3, y], fill=ink, width=2)
        y += fs * 0.6
        d.text((m, y), f"Order: {order}", font=_font(fnb, fs * 1.2), fill=ink)
        d.text((m, y + fs * 1.7), f"Weight: {rng.uniform(0.2, 12):.1f} kg", font=f, fill=ink)
        d.text((m, y + fs * 3.0), f"Ref: {rng.randint(100000, 999999)}", font=f, fill=ink)
        qs = min(h - y - m * 2, fs * 4.5)
        if qs > fs * 2:
            _draw_matrix_code(d, (w - m - qs, y, w - m, y + qs), rng, ink)
    else:
        d.text((m, m), carrier.upper(), font=_font("sans_bold", fs * 1.4), fill=ccol)
        d.text((w - m, m), service, font=fb, fill=ink, anchor="ra")
        y = m + fs * 2.4
        d.text((m, y), "SHIP TO:", font=_font(fnb, fs * 0.8), fill=ink)
        y += fs * 1.2
        for t, ft in ((name.upper(), _font(fnb, fs * 1.3)), (street, f), (f"{city.upper()} {pc}", fb)):
            d.text((m * 1.5, y), t, font=ft, fill=ink)
            y += ft.size * 1.35
        d.text((w * 0.6, m + fs * 2.4), f"Order: {order}", font=_font(fnb, fs * 1.15), fill=ink)
        d.text((w * 0.6, m + fs * 4.0), f"From: {merchant}", font=_font(fn, fs * 0.8), fill=ink)
        bc_y = max(y + fs * 0.5, h * 0.55)
        _draw_barcode(d, (m * 1.5, bc_y, w - m * 1.5, h - fs * 2.6), tracking, ink)
        d.text((w / 2, h - fs * 2.2), tracking, font=_font("mono_bold", fs * 1.0), fill=ink, anchor="ma")
    printed = {"order": order, "tracking": tracking, "name": name, "city": city, "postcode": pc, "carrier": carrier}
    return img, printed


def _cardboard(g, rng, w: int, h: int, base) -> Image.Image:
    s = min(1.0, 320 / max(w, h))
    sw, sh = max(8, int(w * s)), max(8, int(h * s))
    f = _fractal(g, sh, sw, max(sw, sh) / 3, 3)
    t = 1 + 0.1 * (f - 0.5)
    arr = np.asarray(base, np.float32)[None, None, :] / 255 * t[..., None]
    img = _arr_img(np.clip(arr, 0, 1)).resize((w, h), Image.Resampling.BILINEAR)
    per = rng.uniform(5, 9)
    flute = (1 + 0.02 * np.sin(np.arange(w, dtype=np.float32) * 2 * math.pi / per))
    fl = Image.fromarray(_u8(np.broadcast_to(flute[None, :] / 1.03, (h, w)).copy()))
    return ImageChops.multiply(img, Image.merge("RGB", (fl, fl, fl)))


def _box_obj(rng, g, label: Image.Image | None) -> Image.Image:
    a, b, c = rng.uniform(0.8, 1.4), rng.uniform(0.6, 1.2), rng.uniform(0.45, 1.0)
    yaw, pitch = math.radians(rng.uniform(15, 75)) * rng.choice([-1, 1]), math.radians(rng.uniform(18, 45))
    cy_, sy_ = math.cos(yaw), math.sin(yaw)
    cp, sp = math.cos(pitch), math.sin(pitch)

    def cam(p):
        x, y, z = p
        x1, z1 = x * cy_ - z * sy_, x * sy_ + z * cy_
        y2, z2 = y * cp + z1 * sp, -y * sp + z1 * cp
        return x1, y2, z2
    faces = {
        "top": ([(-a / 2, c, b / 2), (a / 2, c, b / 2), (a / 2, c, -b / 2), (-a / 2, c, -b / 2)], (0, 1, 0), (a, b)),
        "front": ([(-a / 2, c, -b / 2), (a / 2, c, -b / 2), (a / 2, 0, -b / 2), (-a / 2, 0, -b / 2)], (0, 0, -1), (a, c)),
        "back": ([(a / 2, c, b / 2), (-a / 2, c, b / 2), (-a / 2, 0, b / 2), (a / 2, 0, b / 2)], (0, 0, 1), (a, c)),
        "right": ([(a / 2, c, -b / 2), (a / 2, c, b / 2), (a / 2, 0, b / 2), (a / 2, 0, -b / 2)], (1, 0, 0), (b, c)),
        "left": ([(-a / 2, c, b / 2), (-a / 2, c, -b / 2), (-a / 2, 0, -b / 2), (-a / 2, 0, b / 2)], (-1, 0, 0), (b, c)),
    }
    light = np.array([-0.45, 0.75, -0.5])
    light /= np.linalg.norm(light)
    vis = []
    for name, (corners, n, dims) in faces.items():
        nc = cam(n)
        if nc[2] < -1e-3:
            pts = [cam(p) for p in corners]
            vis.append((name, [(x, -y) for x, y, _ in pts], dims, 0.5 + 0.55 * max(0.0, float(np.dot(nc, light)))))
    S = 640
    xs = [x for _, q, _, _ in vis for x, _ in q]
    ys = [y for _, q, _, _ in vis for _, y in q]
    k = S * 0.92 / max(max(xs) - min(xs), max(ys) - min(ys))
    ox, oy = (S - (max(xs) - min(xs)) * k) / 2 - min(xs) * k, (S - (max(ys) - min(ys)) * k) / 2 - min(ys) * k
    base = _jit(rng, rng.choice([(196, 154, 108), (186, 144, 98), (205, 170, 125), (175, 135, 95), (232, 226, 214)]), 8)
    tape_kind = rng.choice(["brown", "clear", "branded", "brown"])
    tape_col = {"brown": (190, 140, 70), "clear": (245, 245, 240), "branded": _jit(rng, rng.choice(
        [(30, 80, 170), (230, 230, 230), (220, 40, 40)]), 10)}[tape_kind]
    canvas = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    ppu = 300
    label_face = max((v for v in vis if v[0] != "top"), key=lambda v: abs(
        (v[1][1][0] - v[1][0][0]) * (v[1][3][1] - v[1][0][1])), default=None)
    if label is not None and rng.random() < 0.35 and any(v[0] == "top" for v in vis):
        label_face = next(v for v in vis if v[0] == "top")
    crushed = rng.random() < 0.35
    for name, quad, (du, dv), bright in vis:
        tw, th = int(du * ppu), int(dv * ppu)
        tex = _cardboard(g, rng, tw, th, base)
        d = ImageDraw.Draw(tex, "RGBA")
        tp = 0.2 * min(tw, th)
        if name == "top":
            d.line([0, th / 2, tw, th / 2], fill=_scale(base, 0.6), width=2)
            d.rectangle([0, th / 2 - tp / 2, tw, th / 2 + tp / 2], fill=tape_col + ((150,) if tape_kind != "clear"
                                                                                    else (60,)))
            if tape_kind == "branded":
                tf = _font("sans_bold", tp * 0.5)
                for x in range(0, tw, int(tp * 5)):
                    d.text((x, th / 2), rng.choice(_CARRIERS)[0].upper(), font=tf, fill=(255, 255, 255, 200),
                           anchor="lm")
            d.line([0, th / 2 - tp * 0.3, tw, th / 2 - tp * 0.35], fill=(255, 255, 255, 90), width=max(1, int(tp / 8)))
        elif name in ("left", "right"):
            d.rectangle([tw / 2 - tp / 2, 0, tw / 2 + tp / 2, th * 0.25], fill=tape_col + ((150,) if tape_kind != "clear"
                                                                                           else (60,)))
        else:
            d.line([0, 3, tw, 3], fill=_scale(base, 0.75), width=2)
            if rng.random() < 0.3:
                d.text((tw * 0.08, th * 0.12), "↑↑ THIS WAY UP", font=_font("sans_bold", th * 0.06),
                       fill=(40, 40, 40, 200))
            if rng.random() < 0.25:
                fr = _font("sans_bold", th * 0.09)
                d.rectangle([tw * 0.55, th * 0.7, tw * 0.95, th * 0.84], outline=(200, 30, 30, 220), width=3)
                d.text((tw * 0.75, th * 0.77), "FRAGILE", font=fr, fill=(200, 30, 30, 220), anchor="mm")
        if label_face is not None and name == label_face[0] and label is not None:
            lw = int(tw * rng.uniform(0.5, 0.72))
            lh = int(lw * label.height / label.width)
            if lh > th * 0.85:
                lh = int(th * 0.85)
                lw = int(lh * label.width / label.height)
            lab = label.resize((max(1, lw), max(1, lh)), Image.Resampling.BILINEAR).convert("RGBA")
            lab = lab.rotate(rng.uniform(-6, 6), expand=True, resample=Image.Resampling.BILINEAR)
            tex.paste(lab, (int((tw - lab.width) / 2 + rng.uniform(-0.1, 0.1) * tw),
                            int((th - lab.height) / 2 + rng.uniform(-0.05, 0.1) * th)), lab)
        if crushed and name != "top":
            cx_ = rng.choice([0, tw])
            tri = [(cx_, 0), (cx_ + (1 if cx_ == 0 else -1) * tw * 0.25, 0), (cx_, th * 0.3)]
            d.polygon(tri, fill=(60, 40, 20, 90))
            for _ in range(3):
                d.line([(cx_ + (1 if cx_ == 0 else -1) * rng.uniform(0.02, 0.2) * tw, rng.uniform(0, 0.05) * th),
                        (cx_ + (1 if cx_ == 0 else -1) * rng.uniform(0, 0.05) * tw, rng.uniform(0.05, 0.28) * th)],
                       fill=(255, 240, 220, 120), width=2)
        # per-face lighting and dirty, darker edges
        tex = tex.point(lambda v: int(min(255, v * bright)))
        e = Image.new("L", (tw, th), 255)
        ImageDraw.Draw(e).rectangle([3, 3, tw - 4, th - 4], fill=0)
        e = e.filter(ImageFilter.BoxBlur(4)).point(lambda v: 255 - v * 0.25)
        tex = ImageChops.multiply(tex.convert("RGB"), Image.merge("RGB", (e, e, e)))
        _warp_into(canvas, tex, [(x * k + ox, y * k + oy) for x, y in quad])
    d = ImageDraw.Draw(canvas)
    for _, quad, _, _ in vis:   # creased edges catch the light
        q = [(x * k + ox, y * k + oy) for x, y in quad]
        d.line(q + [q[0]], fill=_mix(base, (255, 240, 220), 0.35) + (255,), width=2)
    return canvas.crop(canvas.getbbox())


def _envelope_obj(rng, g, label: Image.Image, poly: bool) -> Image.Image:
    portrait = rng.random() < 0.5
    W, H = (520, 700) if portrait else (720, 520)
    if poly:
        base = _jit(rng, rng.choice([(150, 152, 158), (236, 236, 236), (40, 40, 44), (240, 170, 190), (60, 100, 180),
                                     (90, 160, 110)]), 8)
    else:
        base = _jit(rng, rng.choice([(222, 190, 122), (240, 238, 232), (184, 142, 98), (200, 200, 205)]), 8)
    m = Image.new("L", (W, H), 0)
    pts = []
    for i in range(40):   # slightly wavy outline
        t = i / 40
        if t < 0.25:
            x, y = W * t * 4, 0
        elif t < 0.5:
            x, y = W, H * (t - 0.25) * 4
        elif t < 0.75:
            x, y = W * (1 - (t - 0.5) * 4), H
        else:
            x, y = 0, H * (1 - (t - 0.75) * 4)
        pts.append((min(W - 3, max(3, x + rng.uniform(-3, 3))), min(H - 3, max(3, y + rng.uniform(-3, 3)))))
    ImageDraw.Draw(m).polygon(pts, fill=255)
    sw, sh = W // 2, H // 2
    yy, xx = _grid(sh, sw)
    if poly:
        t = 1 + 0.18 * (_fractal(g, sh, sw, sw / 3, 3) - 0.5)
        a0 = rng.uniform(0, math.pi)
        warp = (_smooth(g, sh, sw, sw / 2.5) - 0.5) * 0.25
        for _ in range(rng.randint(4, 9)):   # glossy wrinkles: soft bright streaks beside dark folds
            a = a0 + rng.gauss(0, 0.35)
            c = rng.uniform(-0.5, 0.5)
            dist = (xx / sw - 0.5) * math.cos(a) + (yy / sh - 0.5) * math.sin(a) - c + warp
            wid = rng.uniform(0.015, 0.05)
            t = t + rng.uniform(0.1, 0.3) * np.exp(-(dist / wid) ** 2) - 0.1 * np.exp(-((dist + wid * 1.5) / wid) ** 2)
    else:
        per = rng.uniform(5, 8)
        bumps = np.sin(xx * 2 * math.pi / per) * np.sin(yy * 2 * math.pi / per)
        t = 1 + 0.03 * bumps + 0.12 * (_fractal(g, sh, sw, sw / 3, 3) - 0.5)
        for _ in range(rng.randint(1, 4)):
            a = rng.uniform(0, math.pi)
            c = rng.uniform(-0.4, 0.4)
            dist = (xx / sw - 0.5) * math.cos(a) + (yy / sh - 0.5) * math.sin(a) - c
            t = t * (1 - 0.04 * np.tanh(dist * 40))
    edge = np.minimum(np.minimum(xx, sw - 1 - xx), np.minimum(yy, sh - 1 - yy))
    t = t * (0.8 + 0.2 * np.clip(edge / 12, 0, 1))
    arr = np.asarray(base, np.float32)[None, None, :] / 255 * t[..., None]
    img = _arr_img(np.clip(arr, 0, 1)).resize((W, H), Image.Resampling.BILINEAR)
    d = ImageDraw.Draw(img)
    fy = H * 0.08 if portrait else H * 0.1
    d.line([0, fy, W, fy], fill=_scale(base, 0.8), width=3)
    d.line([0, fy + 3, W, fy + 3], fill=_mix(base, (255, 255, 255), 0.4), width=1)
    if poly and rng.random() < 0.6:
        d.text((W / 2, H * 0.93), rng.choice(["Thank you for your order!", "Designed in London", "Recycle me ♻",
                                              "Made with love"]), font=_font("sans_bold", W * 0.035),
               fill=_mix(base, (255, 255, 255) if _lum(base) < 128 else (0, 0, 0), 0.5), anchor="mm")
    lw = int(W * rng.uniform(0.62, 0.85))
    lh = int(lw * label.height / label.width)
    if lh > H * 0.8:
        lh = int(H * 0.8)
        lw = int(lh * label.width / label.height)
    lab = label.resize((lw, lh), Image.Resampling.BILINEAR).convert("RGBA").rotate(
        rng.uniform(-5, 5), expand=True, resample=Image.Resampling.BILINEAR)
    pos = (int((W - lab.width) / 2 + rng.uniform(-0.05, 0.05) * W), int((H - lab.height) / 2 + H * 0.04))
    img.paste(lab, pos, lab)
    out = img.convert("RGBA")
    out.putalpha(m)
    return out


def _render_parcel(layout, rng, g, split):
    if layout == "label_closeup":
        label, printed = _shipping_label(rng, g, rng.randint(560, 720))
        lab = _finish_paper(label, g, rng, crumple=rng.uniform(0.1, 0.7))
        legible = rng.random() < 0.8
        portrait = label.height > label.width
        size = _out_size(rng, 1024 if legible else 560, OUT_MAX,
                         portrait=(1.0 if portrait else 0.0) if legible else (0.7 if portrait else 0.2))
        card = _cardboard(g, rng, max(16, size[0] // 2), max(16, size[1] // 2),
                          _jit(rng, rng.choice([(196, 154, 108), (186, 144, 98), (222, 190, 122), (150, 152, 158)]), 8))
        rot, persp = _doc_pose(rng, careful=legible)
        img, _ = _shoot(lab, "", rng, g, size, ws=(1.0, 1.0) if legible else (0.8, 1.0), bg=card,
                        effects=rng.uniform(0.3, 0.7) if legible else rng.uniform(0.5, 0.9),
                        fill=(0.8, 0.97) if legible else (0.6, 0.95), rot=rot, persp=persp, crop=0.03, shadow=0.25,
                        lift=0.2)
        return img, {"layout": layout, "product": None, "printed": printed, "background": "cardboard"}
    label, printed = _shipping_label(rng, g, 560)
    if layout == "box_with_label":
        obj = _box_obj(rng, g, label)
        bgname = rng.choice(["wood", "carpet", "tiles", "desk", "concrete", "doormat"])
        size = _out_size(rng, 560, OUT_MAX)
        img, _ = _shoot(obj, bgname, rng, g, size, ws=(0.75, 1.0), fill=(0.6, 0.95), rot=12, persp=0.08, crop=0.05)
    else:
        obj = _envelope_obj(rng, g, label, poly=layout == "poly_mailer")
        bgname = rng.choice(["wood", "carpet", "desk", "counter", "doormat", "fabric"])
        size = _out_size(rng, 640, OUT_MAX, portrait=0.75 if obj.height > obj.width else 0.25)
        rot, persp = _doc_pose(rng)
        img, _ = _shoot(obj, bgname, rng, g, size, ws=(0.85, 1.0), fill=(0.75, 0.97), rot=rot, persp=persp,
                        crop=0.04, hand=rng.random() < 0.12, lift=0.4)
    return img, {"layout": layout, "product": None, "printed": printed, "background": bgname}


# ============================================================================================ other scenes
@lru_cache(maxsize=16)
def _sk_image(name: str) -> np.ndarray:
    import skimage.data as skd   # bundled with scikit-image, loads offline
    a = np.asarray(getattr(skd, name)())
    if a.dtype != np.uint8:
        a = (a.astype(np.float32) / max(1e-6, float(a.max())) * 255).astype(np.uint8)
    if a.ndim == 2:
        a = np.stack([a] * 3, axis=2)
    return np.ascontiguousarray(a[..., :3])


def _sk_photo(rng, g, names) -> tuple[Image.Image, str]:
    name = rng.choice(names)
    arr = _sk_image(name)
    h, w = arr.shape[:2]
    s = rng.uniform(0.55, 1.0)
    cw, ch = int(w * s * rng.uniform(0.8, 1.0)), int(h * s * rng.uniform(0.8, 1.0))
    x0, y0 = rng.randint(0, w - cw), rng.randint(0, h - ch)
    img = Image.fromarray(arr[y0:y0 + ch, x0:x0 + cw])
    if rng.random() < 0.5:
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    gray = arr.ndim == 3 and np.array_equal(arr[..., 0], arr[..., 1])
    if gray and rng.random() < 0.35:   # sepia / tinted print
        tint = _jit(rng, rng.choice([(255, 230, 190), (200, 220, 255), (255, 210, 220)]), 10)
        img = ImageChops.multiply(img, Image.new("RGB", img.size, tint))
    img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.8, 1.2))
    img = ImageEnhance.Contrast(img).enhance(rng.uniform(0.8, 1.25))
    if not gray:
        img = ImageEnhance.Color(img).enhance(rng.uniform(0.6, 1.4))
    long = rng.randint(OUT_MIN, OUT_MAX)
    k = long / max(img.size)
    img = img.resize((max(OUT_MIN // 2, int(img.width * k)), max(OUT_MIN // 2, int(img.height * k))),
                     Image.Resampling.BILINEAR)
    return img, name


def _landscape_img(rng, g, w: int, h: int) -> Image.Image:
    w, h = max(16, int(w)), max(16, int(h))
    mode = rng.choice(["day", "day", "sunset", "overcast"])
    top, hor = {"day": ((60, 120, 210), (190, 220, 245)), "sunset": ((60, 40, 110), (250, 150, 80)),
                "overcast": ((140, 145, 155), (215, 215, 220))}[mode]
    top, hor = np.array(_jit(rng, top, 15), np.float32) / 255, np.array(_jit(rng, hor, 15), np.float32) / 255
    yy, xx = _grid(h, w)
    horizon = h * rng.uniform(0.4, 0.65)
    t = np.clip(yy / horizon, 0, 1)[..., None]
    img = top * (1 - t) + hor * t
    if mode != "overcast":
        sx, sy, sr = rng.uniform(0.1, 0.9) * w, horizon * rng.uniform(0.3, 0.9), min(w, h) * rng.uniform(0.03, 0.07)
        dd = np.hypot(xx - sx, yy - sy)
        sun = np.array([1.0, 0.95, 0.8] if mode == "day" else [1.0, 0.75, 0.4], np.float32)
        glow = (np.exp(-(dd / (sr * 4)) ** 2) * 0.5 + (dd < sr) * 1.0)[..., None]
        img = img * (1 - np.clip(glow, 0, 1)) + sun * np.clip(glow, 0, 1)
    if mode != "sunset" or rng.random() < 0.5:
        cl = _fractal(g, h, w, max(w, h) / 4, 4)
        cm = np.clip((cl - rng.uniform(0.5, 0.62)) * 5, 0, 1)[..., None] * (yy < horizon)[..., None]
        img = img * (1 - cm * 0.85) + np.array([0.97, 0.97, 0.98], np.float32) * cm * 0.85
    haze = hor
    layers = rng.randint(1, 3)
    for i in range(layers):
        ridge = _fractal(g, 1, w, w / rng.uniform(2, 6), 5)[0]
        base_y = horizon - h * (0.05 + 0.22 * (layers - i) / layers) * rng.uniform(0.6, 1.2)
        line = base_y + (ridge - 0.5) * h * rng.uniform(0.15, 0.45)
        col = np.array(_jit(rng, rng.choice([(90, 100, 120), (70, 80, 90), (110, 100, 110)]), 15), np.float32) / 255
        k = 0.25 + 0.6 * (i + 1) / layers
        col = col * k + haze * (1 - k)
        m = (yy > line[None, :])[..., None]
        img = np.where(m, col * (0.9 + 0.15 * (_smooth(g, h, w, 6)[..., None] - 0.5)), img)
    ground = np.array(_jit(rng, rng.choice([(70, 120, 50), (100, 130, 60), (130, 120, 70), (60, 90, 45)]), 15),
                      np.float32) / 255
    hill = horizon + (_fractal(g, 1, w, w / 2, 3)[0] - 0.5) * h * 0.12
    gm = (yy > hill[None, :])
    tex = 0.8 + 0.35 * _fractal(g, h, w, 6, 3)
    lake = rng.random() < 0.4
    if lake:
        water_y = int(min(h - 2, horizon + h * rng.uniform(0.05, 0.15)))
        img = np.where(gm[..., None], ground * tex[..., None], img)
        src = img[max(0, 2 * water_y - h):water_y][::-1]
        refl = np.zeros((h - water_y, w, 3), np.float32)
        refl[:src.shape[0]] = src
        shift = (np.sin(np.arange(h - water_y) * 0.9) * 2).astype(int)   # ripples
        cols = (np.arange(w)[None, :] - shift[:, None]) % w
        refl = refl[np.arange(h - water_y)[:, None], cols]
        img[water_y:] = refl * np.array([0.75, 0.82, 0.9], np.float32) + 0.05
    else:
        img = np.where(gm[..., None], ground * tex[..., None], img)
    out = _arr_img(np.clip(img, 0, 1))
    if rng.random() < 0.6:   # conifers on the hills
        d = ImageDraw.Draw(out)
        tc = _jit(rng, (35, 70, 40), 15)
        for _ in range(rng.randint(4, 20)):
            tx = rng.uniform(0, w)
            ty = float(hill[min(w - 1, int(tx))]) + rng.uniform(0, h * 0.2)
            if lake and ty > water_y:
                continue
            th = h * rng.uniform(0.05, 0.18) * (0.5 + ty / h)
            d.polygon([(tx, ty - th), (tx + th * 0.28, ty), (tx - th * 0.28, ty)], fill=_jit(rng, tc, 12))
            d.rectangle([tx - th * 0.03, ty, tx + th * 0.03, ty + th * 0.08], fill=(60, 40, 25))
    return out


def _scene_landscape(rng, g):
    W, H = _out_size(rng, portrait=0.25, aspects=(4 / 3, 3 / 2, 16 / 9))
    s = rng.uniform(0.45, 0.7)
    img = _landscape_img(rng, g, W * s, H * s).resize((W, H), Image.Resampling.BILINEAR)
    return photo_effects(img, rng, strength=rng.uniform(0.3, 0.8)), {}


def _scene_selfie(rng, g):
    W, H = _out_size(rng, portrait=0.8, aspects=(4 / 3, 16 / 9, 1.0))
    S = 480
    sw, sh = (S, int(S * H / W)) if W <= H else (int(S * W / H), S)
    bg = _background(rng.choice(["room", "room", "grass"]), g, rng, sw, sh) if rng.random() < 0.7 else \
        _landscape_img(rng, g, sw, sh).filter(ImageFilter.GaussianBlur(4))
    P = _Painter(sw, sh, g)
    P.set_image(bg.convert("RGBA"))
    cx, cy = sw / 2 + rng.uniform(-0.12, 0.12) * sw, sh * rng.uniform(0.42, 0.52)
    fr = min(sw, sh) * rng.uniform(0.2, 0.28)
    skin = _jit(rng, rng.choice(_SKINS), 8)
    shirt = _jit(rng, rng.choice(_BODY_COLS), 10)
    hair = _jit(rng, rng.choice([(30, 22, 18), (70, 45, 25), (150, 110, 60), (200, 170, 110), (20, 20, 20),
                                 (120, 60, 30), (180, 180, 180)]), 8)
    long_hair = rng.random() < 0.5
    if long_hair:
        P.rrect([cx - fr * 1.2, cy - fr * 1.3, cx + fr * 1.2, cy + fr * 1.7], fr * 0.9, hair, tex=0.3)
    else:
        P.ellipse([cx - fr * 1.0, cy - fr * 1.35, cx + fr * 1.0, cy + fr * 0.4], hair, tex=0.3)
    P.ellipse([cx - fr * 2.4, cy + fr * 1.5, cx + fr * 2.4, cy + fr * 4.5], shirt, edge=(0.3, 6),
              shade=sh_lin(0, cy + fr * 1.5, 0, cy + fr * 3, 1.1, 0.8))
    P.rrect([cx - fr * 0.4, cy + fr * 0.5, cx + fr * 0.4, cy + fr * 1.7], fr * 0.2, _scale(skin, 0.85))
    P.ellipse([cx - fr * 0.85, cy - fr * 1.1, cx + fr * 0.85, cy + fr * 1.1], skin,
              shade=sh_sphere(cx, cy, fr * 1.1, rng.uniform(-0.5, 0.5), -0.4, 0.6, 1.1), edge=(0.3, 5))
    for sg in (-1, 1):
        P.ellipse([cx + sg * fr * 0.95 - fr * 0.15, cy - fr * 0.2, cx + sg * fr * 0.95 + fr * 0.15, cy + fr * 0.25],
                  _scale(skin, 0.9), under=True)
    part = rng.uniform(-0.4, 0.4)
    top_arc = [(cx + fr * 0.92 * math.cos(a), cy - fr * 0.15 + fr * 1.12 * math.sin(a))
               for a in np.linspace(math.pi * 1.02, math.pi * 1.98, 16)]
    fringe = _spline([(cx + fr * 0.9, cy - fr * 0.2), (cx + fr * 0.45, cy - fr * (0.55 + 0.2 * part)),
                      (cx + fr * part * 0.5, cy - fr * 0.8), (cx - fr * 0.5, cy - fr * (0.55 - 0.2 * part)),
                      (cx - fr * 0.92, cy - fr * 0.1)], 6, closed=False)
    P.poly(top_arc + fringe, hair, tex=0.35, edge=(0.2, 3))
    for sg in (-1, 1):
        ex, ey = cx + sg * fr * 0.36, cy - fr * 0.05
        P.ellipse([ex - fr * 0.2, ey - fr * 0.1, ex + fr * 0.2, ey + fr * 0.1], (245, 245, 240))
        iris = _jit(rng, rng.choice([(70, 45, 25), (60, 110, 160), (80, 120, 70), (40, 30, 20)]), 10)
        P.ellipse([ex - fr * 0.09, ey - fr * 0.09, ex + fr * 0.09, ey + fr * 0.09], iris)
        P.ellipse([ex - fr * 0.04, ey - fr * 0.04, ex + fr * 0.04, ey + fr * 0.04], (10, 10, 10))
        P.ellipse([ex - fr * 0.05, ey - fr * 0.06, ex - fr * 0.01, ey - fr * 0.02], (255, 255, 255))
        P.line([(ex - fr * 0.22, ey - fr * 0.2), (ex, ey - fr * 0.27), (ex + fr * 0.22, ey - fr * 0.21)], fr * 0.06, hair)
    P.line([(cx, cy - fr * 0.05), (cx - fr * 0.07, cy + fr * 0.3), (cx + fr * 0.05, cy + fr * 0.33)], 2,
           _scale(skin, 0.7))
    smile = rng.uniform(0.05, 0.2)
    P.paint(P.mask(lambda d: d.chord([cx - fr * 0.32, cy + fr * 0.35, cx + fr * 0.32, cy + fr * (0.55 + smile)], 0, 180,
                                     fill=255)), (170, 60, 70))
    if rng.random() < 0.5:
        P.paint(P.mask(lambda d: d.chord([cx - fr * 0.26, cy + fr * 0.38, cx + fr * 0.26, cy + fr * 0.5], 0, 180,
                                         fill=255)), (245, 245, 240))
    if rng.random() < 0.3:   # glasses
        for sg in (-1, 1):
            ex = cx + sg * fr * 0.36
            P.paint(P.mask(lambda d: d.ellipse([ex - fr * 0.26, cy - fr * 0.22, ex + fr * 0.26, cy + fr * 0.15],
                                               outline=255, width=max(2, int(fr * 0.04)))), (20, 20, 20))
    side = rng.choice([-1, 1])
    P.poly(_capsule((cx + side * sw * 0.7, sh * 1.2), (cx + side * fr * 2.6, cy + fr * 2.0), fr * 0.45), skin,
           edge=(0.3, 5))
    img = P.image().convert("RGB").resize((W, H), Image.Resampling.BILINEAR)
    return photo_effects(img.filter(ImageFilter.GaussianBlur(0.6)), rng, strength=rng.uniform(0.5, 1.0)), {}


_MEME_TOP = ["WHEN THE WIFI", "ME AT 3 AM", "NOBODY:", "ONE DOES NOT SIMPLY", "MONDAY MORNING", "WHEN YOU SEE IT",
             "THAT FEELING WHEN", "MY FACE WHEN", "EXPECTATION", "BRACE YOURSELVES", "ME EXPLAINING",
             "WHEN THE WEEKEND"]
_MEME_BOTTOM = ["FINALLY CONNECTS", "STILL AWAKE", "ABSOLUTELY NOBODY", "WALK INTO MORDOR", "NEEDS COFFEE",
                "YOU CAN'T UNSEE IT", "IT'S FRIDAY", "REALITY", "WINTER IS COMING", "TO MY CAT", "IS OVER TOO SOON",
                "SAYS NO"]


def _scene_meme(rng, g):
    r = rng.random()
    if r < 0.6:
        pic, _ = _sk_photo(rng, g, SKIMAGE_PHOTOS["train"])
    else:
        pic = _landscape_img(rng, g, 480, 360)
        pic = pic.resize((rng.randint(480, 900), int(rng.randint(480, 900) * 0.75)), Image.Resampling.BILINEAR)
    W, H = pic.size
    if max(W, H) < 420:
        k = 420 / max(W, H)
        pic = pic.resize((int(W * k), int(H * k)), Image.Resampling.BILINEAR)
        W, H = pic.size
    top, bot = rng.choice(_MEME_TOP), rng.choice(_MEME_BOTTOM)
    fname = rng.choice(["sans_cond_bold", "lnarrow_bold", "sans_bold"])
    if rng.random() < 0.7:   # classic top/bottom caption, white with black outline
        d = ImageDraw.Draw(pic)
        for text, y, anc in ((top, H * 0.03, "ma"), (bot, H * 0.97, "md")):
            fs = min(H * 0.13, W * 1.6 / max(6, len(text)))
            f = _font(fname, fs)
            d.text((W / 2, y), text, font=f, fill=(255, 255, 255), anchor=anc, stroke_width=max(2, int(fs / 12)),
                   stroke_fill=(0, 0, 0))
        img = pic
    else:   # modern: caption on a white band above the picture
        f = _font("sans", max(16, W / 22))
        d0 = ImageDraw.Draw(pic)
        lines = _wrap(d0, (top + " " + bot).capitalize(), f, W * 0.9)
        band = int(f.size * (1.4 * len(lines) + 1.2))
        img = Image.new("RGB", (W, H + band), (255, 255, 255))
        img.paste(pic, (0, band))
        d = ImageDraw.Draw(img)
        for i, ln in enumerate(lines):
            d.text((W * 0.05, f.size * (0.6 + 1.4 * i)), ln, font=f, fill=(10, 10, 10))
    return img, {"printed": {"caption": f"{top} / {bot}"}}


def _scene_food(rng, g):
    W, H = _out_size(rng, portrait=0.4)
    S = 560
    P = _Painter(S, S, g)
    cx, cy = S / 2, S / 2
    rx = S * 0.46
    ry = rx * rng.uniform(0.7, 0.95)
    plate = _jit(rng, rng.choice([(246, 246, 242), (240, 236, 226), (40, 40, 44), (200, 210, 215)]), 5)
    P.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], plate, edge=(0.3, 4),
              shade=sh_lin(cx - rx, cy - ry, cx + rx, cy + ry, 1.05, 0.85))
    P.ellipse([cx - rx * 0.72, cy - ry * 0.72, cx + rx * 0.72, cy + ry * 0.72], _scale(plate, 0.96),
              shade=sh_lin(cx - rx, cy - ry, cx + rx, cy + ry, 0.9, 1.05))
    food = rng.choice(["pasta", "salad", "steak", "pizza", "sushi"])
    fr = rx * 0.62
    if food == "pasta":
        P.paint(P.mask(lambda d: [d.line(_spline([(cx + rng.uniform(-fr, fr) * 0.8, cy + rng.uniform(-fr, fr) * 0.6)
                                                  for _ in range(4)], 6, closed=False), fill=255, width=5)
                                  for _ in range(70)]), (235, 200, 110), edge=(0.3, 1))
        P.ellipse([cx - fr * 0.35, cy - fr * 0.3, cx + fr * 0.35, cy + fr * 0.25], (180, 40, 25), opacity=0.9,
                  blur=3, tex=0.3)
        for _ in range(5):
            x, y = cx + rng.uniform(-0.4, 0.4) * fr, cy + rng.uniform(-0.3, 0.3) * fr
            P.ellipse([x - 9, y - 6, x + 9, y + 6], (50, 130, 40))
    elif food == "salad":
        for _ in range(90):
            x, y = cx + rng.gauss(0, fr * 0.4), cy + rng.gauss(0, fr * 0.3)
            q = rng.uniform(10, 24)
            P.ellipse([x - q, y - q * 0.6, x + q, y + q * 0.6], _jit(rng, (80, 150, 50), 35), edge=(0.3, 2))
        for _ in range(rng.randint(4, 9)):
            x, y = cx + rng.gauss(0, fr * 0.35), cy + rng.gauss(0, fr * 0.25)
            q = rng.uniform(10, 18)
            P.ellipse([x - q, y - q, x + q, y + q], (210, 40, 30), shade=sh_sphere(x, y, q))
        for _ in range(rng.randint(3, 8)):
            x, y = cx + rng.gauss(0, fr * 0.35), cy + rng.gauss(0, fr * 0.25)
            P.rrect([x - 9, y - 9, x + 9, y + 9], 2, (245, 240, 220), edge=(0.3, 1))
    elif food == "steak":
        P.poly(_spline([(cx - fr * 0.6, cy - fr * 0.2), (cx, cy - fr * 0.45), (cx + fr * 0.3, cy - fr * 0.1),
                        (cx + fr * 0.1, cy + fr * 0.35), (cx - fr * 0.5, cy + fr * 0.25)], 6), (120, 60, 30),
               edge=(0.3, 4), tex=0.3)
        P.paint(P.mask(lambda d: [d.line([cx - fr * 0.5 + i * fr * 0.2, cy - fr * 0.3, cx - fr * 0.3 + i * fr * 0.2,
                                          cy + fr * 0.25], fill=255, width=6) for i in range(5)]), (40, 20, 10), on=True,
                opacity=0.7)
        for _ in range(14):
            x, y = cx + fr * rng.uniform(0.3, 0.8), cy + fr * rng.uniform(-0.5, 0.4)
            a = rng.uniform(0, math.pi)
            P.line([(x, y), (x + math.cos(a) * 40, y + math.sin(a) * 40)], 11, (235, 185, 80), edge=(0.3, 2))
        for _ in range(20):
            x, y = cx + fr * rng.uniform(-0.7, -0.2), cy + fr * rng.uniform(0.2, 0.6)
            P.ellipse([x - 7, y - 7, x + 7, y + 7], (90, 170, 60), shade=sh_sphere(x, y, 7))
    elif food == "pizza":
        P.ellipse([cx - fr, cy - fr * ry / rx, cx + fr, cy + fr * ry / rx], (200, 140, 70), edge=(0.3, 4), tex=0.3)
        P.ellipse([cx - fr * 0.88, cy - fr * 0.88 * ry / rx, cx + fr * 0.88, cy + fr * 0.88 * ry / rx], (200, 50, 30),
                  tex=0.3)
        P.ellipse([cx - fr * 0.84, cy - fr * 0.84 * ry / rx, cx + fr * 0.84, cy + fr * 0.84 * ry / rx],
                  (245, 215, 120), opacity=0.8, tex=0.5)
        for _ in range(rng.randint(6, 12)):
            a, d_ = rng.uniform(0, 2 * math.pi), rng.uniform(0, 0.7) * fr
            x, y = cx + math.cos(a) * d_, cy + math.sin(a) * d_ * ry / rx
            P.ellipse([x - 16, y - 13, x + 16, y + 13], (160, 40, 30), edge=(0.3, 2))
    else:
        for i in range(3):
            for j in range(3):
                x, y = cx + (i - 1) * fr * 0.55, cy + (j - 1) * fr * 0.5
                q = fr * 0.22
                P.ellipse([x - q, y - q * 0.8, x + q, y + q * 0.8], (25, 40, 25), edge=(0.3, 2))
                P.ellipse([x - q * 0.8, y - q * 0.65, x + q * 0.8, y + q * 0.65], (245, 245, 240), tex=0.3)
                P.ellipse([x - q * 0.4, y - q * 0.35, x + q * 0.4, y + q * 0.35],
                          rng.choice([(240, 120, 90), (230, 80, 60), (250, 200, 60)]))
    if rng.random() < 0.7:   # cutlery beside the plate
        for k_, col in ((-1, (190, 192, 198)), (1, (180, 182, 190))):
            x = cx + k_ * (rx + S * 0.02)
            P.rrect([x - 6, cy - ry * 0.8, x + 6, cy + ry * 0.8], 5, col, shade=sh_cyl(x - 6, x + 6), edge=(0.2, 1))
    obj = P.image()
    obj = obj.crop(obj.getbbox())
    img, _ = _shoot(obj, rng.choice(["wood", "fabric", "counter", "desk"]), rng, g, (W, H), ws=(0.6, 0.9),
                    fill=(0.7, 1.05), rot=20, persp=0.15, crop=0.15, effects=rng.uniform(0.4, 0.9), lift=0.4)
    return img, {}


def _scene_pet(rng, g):
    W, H = _out_size(rng, portrait=0.4)
    S = 560
    P = _Painter(S, S, g)
    fur = _jit(rng, rng.choice([(200, 120, 50), (120, 120, 125), (30, 30, 30), (240, 238, 232), (140, 100, 60),
                                (220, 200, 160)]), 10)
    cat = rng.random() < 0.55
    cx, cy = S * 0.5, S * 0.62
    bw, bh = S * 0.32, S * 0.2
    P.line(_spline([(cx + bw * 0.9, cy), (cx + bw * 1.3, cy - bh * 0.6), (cx + bw * 1.2, cy - bh * 1.4)], 6,
                   closed=False), S * 0.04, fur, edge=(0.3, 3), tex=0.3)
    P.ellipse([cx - bw, cy - bh, cx + bw, cy + bh], fur, shade=sh_sphere(cx, cy, bw, -0.3, -0.6, 0.55, 1.1),
              edge=(0.3, 5), tex=0.35)
    hx, hy = cx - bw * 0.7, cy - bh * 1.1
    hr = S * 0.12
    for sg in (-1, 1):
        if cat:
            P.poly([(hx + sg * hr * 0.9, hy - hr * 0.3), (hx + sg * hr * 0.75, hy - hr * 1.35), (hx + sg * hr * 0.2,
                                                                                                hy - hr * 0.8)],
                   fur, edge=(0.3, 2))
        else:
            P.ellipse([hx + sg * hr * 0.9 - hr * 0.35, hy - hr * 0.6, hx + sg * hr * 0.9 + hr * 0.35, hy + hr * 0.7],
                      _scale(fur, 0.75), edge=(0.3, 2), tex=0.3)
    P.ellipse([hx - hr, hy - hr, hx + hr, hy + hr], fur, shade=sh_sphere(hx, hy, hr, -0.3, -0.5, 0.6, 1.1),
              edge=(0.3, 4), tex=0.35)
    if cat and rng.random() < 0.6:   # tabby stripes
        P.paint(P.mask(lambda d: [d.line([cx + i * bw * 0.25, cy - bh, cx + i * bw * 0.25 + 10, cy + bh * 0.3],
                                         fill=255, width=7) for i in range(-3, 4)], blur=2), _scale(fur, 0.6), on=True,
                opacity=0.6)
    P.ellipse([hx - hr * 0.5, hy + hr * 0.05, hx + hr * 0.5, hy + hr * 0.75], _mix(fur, (250, 250, 245), 0.5),
              opacity=0.8, blur=3)
    eye = rng.choice([(120, 170, 60), (220, 180, 40), (70, 120, 170)]) if cat else (40, 25, 15)
    for sg in (-1, 1):
        ex, ey = hx + sg * hr * 0.4, hy - hr * 0.15
        P.ellipse([ex - hr * 0.16, ey - hr * 0.13, ex + hr * 0.16, ey + hr * 0.13], eye)
        if cat:
            P.ellipse([ex - hr * 0.04, ey - hr * 0.12, ex + hr * 0.04, ey + hr * 0.12], (5, 5, 5))
        else:
            P.ellipse([ex - hr * 0.1, ey - hr * 0.1, ex + hr * 0.1, ey + hr * 0.1], (5, 5, 5))
        P.ellipse([ex - hr * 0.06, ey - hr * 0.08, ex - hr * 0.01, ey - hr * 0.03], (255, 255, 255))
    P.poly([(hx - hr * 0.12, hy + hr * 0.25), (hx + hr * 0.12, hy + hr * 0.25), (hx, hy + hr * 0.4)],
           (230, 140, 150) if cat else (20, 20, 20))
    if cat:
        for sg in (-1, 1):
            for k_ in (-1, 0, 1):
                P.line([(hx + sg * hr * 0.2, hy + hr * 0.4), (hx + sg * hr * 1.2, hy + hr * (0.35 + 0.15 * k_))], 1,
                       (240, 240, 240), opacity=0.8)
    obj = P.image()
    obj = obj.crop(obj.getbbox())
    img, _ = _shoot(obj, rng.choice(["carpet", "fabric", "grass", "wood"]), rng, g, (W, H), ws=(0.6, 0.9),
                    fill=(0.55, 0.95), rot=20, persp=0.1, crop=0.1, effects=rng.uniform(0.5, 1.0), lift=0.3)
    return img, {}


def _scene_abstract(rng, g):
    W, H = _out_size(rng, portrait=0.5, aspects=(1.0, 4 / 3, 5 / 4))
    cw, ch = 480, int(480 * rng.uniform(0.7, 1.3))
    style = rng.choice(["kandinsky", "mondrian", "colorfield", "strokes"])
    canvas = Image.new("RGB", (cw, ch), _jit(rng, rng.choice([(240, 232, 210), (250, 250, 248), (30, 30, 40),
                                                              (200, 190, 170)]), 8))
    d = ImageDraw.Draw(canvas, "RGBA")
    pal = [_jit(rng, c, 20) for c in rng.sample(_ACCENTS + _BODY_COLS, 6)]
    if style == "kandinsky":
        for _ in range(rng.randint(8, 18)):
            x, y, r = rng.uniform(0, cw), rng.uniform(0, ch), rng.uniform(10, 90)
            d.ellipse([x - r, y - r, x + r, y + r], fill=rng.choice(pal) + (rng.randint(150, 255),))
        for _ in range(rng.randint(5, 12)):
            d.line([rng.uniform(0, cw), rng.uniform(0, ch), rng.uniform(0, cw), rng.uniform(0, ch)],
                   fill=(20, 20, 20, 255), width=rng.randint(2, 6))
    elif style == "mondrian":
        xs = sorted(rng.sample(range(40, cw - 40), 3))
        ys = sorted(rng.sample(range(40, ch - 40), 3))
        for _ in range(4):
            i, j = rng.randint(0, 3), rng.randint(0, 3)
            bx = ([0] + xs + [cw])
            by = ([0] + ys + [ch])
            d.rectangle([bx[i], by[j], bx[i + 1], by[j + 1]], fill=rng.choice([(220, 30, 30), (30, 60, 170),
                                                                               (250, 210, 30)]))
        for x in xs:
            d.rectangle([x - 5, 0, x + 5, ch], fill=(15, 15, 15))
        for y in ys:
            d.rectangle([0, y - 5, cw, y + 5], fill=(15, 15, 15))
    elif style == "colorfield":
        for i in range(rng.randint(2, 3)):
            y0 = ch * (0.08 + i * 0.3)
            d.rectangle([cw * 0.08, y0, cw * 0.92, y0 + ch * 0.25], fill=rng.choice(pal) + (230,))
        canvas = canvas.filter(ImageFilter.GaussianBlur(5))
    else:
        for _ in range(rng.randint(10, 25)):
            pts = [(rng.uniform(0, cw), rng.uniform(0, ch)) for _ in range(4)]
            d.line(_spline(pts, 8, closed=False), fill=rng.choice(pal) + (rng.randint(120, 230),),
                   width=rng.randint(6, 30), joint="curve")
    if rng.random() < 0.5:
        img = canvas.resize((W, H), Image.Resampling.BILINEAR)
        return photo_effects(img, rng, strength=rng.uniform(0.2, 0.6)), {}
    fw = int(cw * 0.06)
    framed = Image.new("RGBA", (cw + 2 * fw, ch + 2 * fw), _jit(rng, rng.choice([(30, 25, 20), (200, 170, 90),
                                                                                  (240, 240, 240)]), 10) + (255,))
    framed.paste(canvas, (fw, fw))
    img, _ = _shoot(framed, rng.choice(["room", "desk"]), rng, g, (W, H), ws=(0.7, 1.0), fill=(0.55, 0.9), rot=8,
                    persp=0.12, effects=rng.uniform(0.4, 0.9), shadow=0.3)
    return img, {}


def _render_other(layout, rng, g, split):
    if layout in ("skimage_photo", "skimage_photo_holdout"):
        img, name = _sk_photo(rng, g, SKIMAGE_PHOTOS["test" if layout.endswith("holdout") else "train"])
        if rng.random() < 0.6:
            img = photo_effects(img, rng, strength=rng.uniform(0.2, 0.6))
        return img, {"layout": layout, "product": None, "printed": {}, "source": name}
    fn = {"landscape": _scene_landscape, "selfie": _scene_selfie, "meme": _scene_meme, "food_plate": _scene_food,
          "pet": _scene_pet, "abstract_art": _scene_abstract, "houseplant": _scene_houseplant,
          "street_scene": _scene_street, "sky_clouds": _scene_sky, "kids_drawing": _scene_kids_drawing,
          "aquarium": _scene_aquarium}[layout]
    img, extra = fn(rng, g)
    return img, {"layout": layout, "product": None, "printed": extra.get("printed", {})}


# ============================================================================================ extra surfaces
# Textured and lined surfaces that only the train-split "indoor_floor" / "outdoor_ground" product layouts use, so
# that grout-like lines, cracks in paving, stripes and grainy texture around a product never signal damage.
def _hash01(*ids) -> np.ndarray:
    v = np.zeros_like(np.asarray(ids[0], np.float32), dtype=np.float32)
    for k, a in enumerate(ids):
        v = v + np.asarray(a, np.float32) * (12.9898 + 65.233 * k)
    return (np.sin(v) * 43758.5453) % 1.0


def _bg_parquet(g, rng, w, h):
    base = np.array(_jit(rng, rng.choice(_WOODS), 12), np.float32) / 255
    yy, xx = _grid(h, w)
    a = rng.choice([0.0, 0.0, math.pi / 4, rng.uniform(-0.3, 0.3)])
    u = xx * math.cos(a) + yy * math.sin(a) + 1000
    v = -xx * math.sin(a) + yy * math.cos(a) + 1000
    n = rng.choice([2, 3, 4, 5])
    B = rng.uniform(0.12, 0.25) * max(w, h)
    bi, bj = np.floor(u / B), np.floor(v / B)
    horiz = ((bi + bj) % 2) == 0
    pw = B / n
    across = np.where(horiz, v, u)
    along = np.where(horiz, u, v)
    pid = np.floor((across % B) / pw)
    tone = 0.8 + 0.32 * _hash01(bi, bj, pid)
    warp = _smooth(g, h, w, max(4, pw)) * rng.uniform(4, 14)
    grain = 0.5 + 0.5 * np.sin((across + warp) * rng.uniform(0.8, 2.0) + along * 0.02)
    fine = _aniso(g, h, w, 1.2, 20) if rng.random() < 0.5 else _aniso(g, w, h, 1.2, 20).T
    fr = across % pw
    fb = along % B
    seam = np.where((fr < 0.9) | (fb < 0.9), 0.45, 1.0)
    t = tone * (1 - 0.12 * grain ** 3 - 0.1 * (fine - 0.5)) * seam
    gloss = 1 + 0.12 * (_smooth(g, h, w, max(w, h) / 2) - 0.5)
    return np.clip(base[None, None, :] * (t * gloss)[..., None], 0, 1)


_RUG_COLS = [(150, 30, 35), (30, 40, 90), (225, 210, 180), (190, 120, 40), (40, 80, 60), (110, 20, 30),
             (20, 20, 25), (200, 170, 120), (90, 130, 160), (230, 230, 225)]


def _bg_rug(g, rng, w, h):
    pal = np.array([_jit(rng, c, 18) for c in rng.sample(_RUG_COLS, 4)], np.float32) / 255
    yy, xx = _grid(h, w)
    style = rng.choice(["diamond", "medallion", "stripes", "geo"])
    per = rng.uniform(0.08, 0.2) * max(w, h)
    if style == "diamond":
        a = np.abs(((xx + yy) % per) - per / 2) + np.abs(((xx - yy) % per) - per / 2)
        idx = np.floor(a / per * 3).astype(np.int64) % 3
    elif style == "medallion":
        cx, cy = w * rng.uniform(0.3, 0.7), h * rng.uniform(0.3, 0.7)
        r = np.abs(xx - cx) / per + np.abs(yy - cy) / per * rng.uniform(0.6, 1.4)
        idx = (np.floor(r * 1.5) + (np.sin(np.arctan2(yy - cy, xx - cx) * 8) > 0.6)).astype(np.int64) % 3
    elif style == "stripes":
        t = yy + 4 * np.sin(xx / 9.0)
        idx = np.floor(t / (per * 0.35)).astype(np.int64) % 3
    else:
        ix, iy = np.floor(xx / per), np.floor(yy / per)
        lx, ly = (xx % per) / per - 0.5, (yy % per) / per - 0.5
        idx = ((np.abs(lx) + np.abs(ly) < 0.35).astype(np.int64) + ((ix + iy) % 2).astype(np.int64)) % 3
    img = pal[idx]
    # border band(s) where the rug edge is in view
    if rng.random() < 0.6:
        b = rng.uniform(0.05, 0.12) * min(w, h)
        ex = np.minimum(np.minimum(xx, w - 1 - xx), np.minimum(yy, h - 1 - yy))
        band = (ex < b)[..., None]
        img = np.where(band, pal[3], img)
        img = np.where(((ex > b) & (ex < b * 1.25))[..., None], pal[0] * 0.6, img)
    pile = 0.8 + 0.25 * g.random((h, w), dtype=np.float32) + 0.15 * (_smooth(g, h, w, 2) - 0.5)
    wear = 1 + 0.15 * (_fractal(g, h, w, max(w, h) / 3, 2) - 0.5)
    return img * (pile * wear)[..., None]


def _bg_linoleum(g, rng, w, h):
    c1 = np.array(_jit(rng, rng.choice([(235, 232, 222), (30, 30, 32), (200, 60, 50), (220, 215, 190),
                                           (70, 90, 120)]), 10), np.float32) / 255
    c2 = np.array(_jit(rng, rng.choice([(25, 25, 28), (240, 238, 230), (180, 175, 160), (120, 130, 140)]), 10),
                  np.float32) / 255
    yy, xx = _grid(h, w)
    a = rng.choice([0.0, math.pi / 4, rng.uniform(-0.2, 0.2)])
    u = xx * math.cos(a) + yy * math.sin(a) + 1000
    v = -xx * math.sin(a) + yy * math.cos(a) + 1000
    s = rng.uniform(0.06, 0.16) * max(w, h)
    chk = ((np.floor(u / s) + np.floor(v / s)) % 2)[..., None]
    img = c1 * (1 - chk) + c2 * chk
    scuff = _fractal(g, h, w, max(w, h) / 4, 4)
    marks = np.clip((_aniso(g, h, w, 2, 30) - 0.8) * 4, 0, 1) * 0.25
    t = 0.92 + 0.12 * (scuff - 0.5) - marks + 0.03 * (g.random((h, w), dtype=np.float32) - 0.5)
    return np.clip(img * t[..., None] + 0.08 * _smooth(g, h, w, max(w, h) / 2)[..., None] ** 3, 0, 1)


def _bg_bedsheet(g, rng, w, h):
    c1 = np.array(_jit(rng, rng.choice(_FABRICS), 15), np.float32) / 255
    c2 = np.array(_jit(rng, rng.choice([(245, 245, 240), (30, 40, 80), (200, 200, 205), (240, 220, 180)]), 12),
                  np.float32) / 255
    yy, xx = _grid(h, w)
    folds = _fractal(g, h, w, max(w, h) / rng.uniform(2.5, 5), 3)
    gy, gx = np.gradient(folds)
    a = rng.uniform(0, math.pi)
    t = xx * math.cos(a) + yy * math.sin(a) + folds * rng.uniform(20, 50)
    per = rng.uniform(8, 30)
    kind = rng.choice(["stripes", "stripes", "pinstripe", "plain"])
    if kind == "stripes":
        m = ((t % per) < per * rng.uniform(0.3, 0.6)).astype(np.float32)
    elif kind == "pinstripe":
        m = ((t % per) < 1.6).astype(np.float32)
    else:
        m = np.zeros((h, w), np.float32)
    img = c1 * (1 - m[..., None]) + c2 * m[..., None]
    la = rng.uniform(0, 2 * math.pi)
    shade = 0.9 + 0.25 * (folds - 0.5) + 60 * (gx * math.cos(la) + gy * math.sin(la))
    return np.clip(img * np.clip(shade, 0.5, 1.3)[..., None], 0, 1)


def _bg_terrazzo(g, rng, w, h):
    base = _jit(rng, rng.choice([(232, 226, 214), (210, 210, 205), (190, 175, 160), (60, 62, 66)]), 8)
    im = Image.new("RGB", (w, h), base)
    d = ImageDraw.Draw(im)
    pal = [_jit(rng, c, 15) for c in rng.sample([(200, 80, 60), (40, 40, 45), (230, 180, 90), (90, 130, 120),
                                                 (150, 150, 150), (250, 250, 245), (120, 80, 60)], 4)]
    sz = rng.uniform(0.004, 0.015) * max(w, h)
    for _ in range(int(w * h / (sz * sz * 12))):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), sz * rng.uniform(0.4, 1.6)
        d.polygon([(x + r * math.cos(k * 2.1 + rng.uniform(0, 1)), y + r * math.sin(k * 2.1 + rng.uniform(0, 1)))
                   for k in range(3)], fill=rng.choice(pal))
    a = np.asarray(im, np.float32) / 255
    return a * (0.92 + 0.12 * _fractal(g, h, w, max(w, h) / 3, 2))[..., None]


def _bg_metal(g, rng, w, h):
    base = np.array(_jit(rng, rng.choice([(180, 182, 188), (120, 122, 128), (60, 62, 66), (210, 205, 195)]), 8),
                    np.float32) / 255
    yy, xx = _grid(h, w)
    brushed = _aniso(g, h, w, 1.0, rng.uniform(20, 60))
    img = base[None, None, :] * (0.9 + 0.12 * (brushed - 0.5) + 0.2 * (xx / w - 0.5) * rng.uniform(-1, 1))[..., None]
    if rng.random() < 0.75:   # perforated
        p = rng.uniform(0.025, 0.06) * max(w, h)
        ox = np.where((np.floor(yy / p) % 2) == 1, p / 2, 0) if rng.random() < 0.6 else 0
        dx, dy = ((xx + ox) % p) - p / 2, (yy % p) - p / 2
        r = p * rng.uniform(0.18, 0.35)
        hole = np.clip((r - np.hypot(dx, dy)) * 1.5, 0, 1)[..., None]
        rim = np.clip(1 - np.abs(np.hypot(dx, dy + 0.8) - r) * 1.2, 0, 1)[..., None] * 0.3
        img = img * (1 - hole) + 0.05 * hole + rim * 0.5
    return np.clip(img, 0, 1)


def _bg_gravel(g, rng, w, h):
    base = _jit(rng, rng.choice([(120, 115, 105), (160, 150, 135), (90, 90, 92), (180, 170, 150)]), 10)
    alt = rng.choice([(150, 120, 90), (200, 195, 185), (70, 72, 78), (170, 150, 120)])
    im = Image.new("RGB", (w, h), _scale(base, 0.45))
    d = ImageDraw.Draw(im)
    sz = rng.uniform(0.012, 0.03) * max(w, h)
    n = int(w * h / (sz * sz * 1.4))
    for _ in range(n):
        x, y = rng.uniform(-sz, w + sz), rng.uniform(-sz, h + sz)
        rx, ry = sz * rng.uniform(0.5, 1.2), sz * rng.uniform(0.4, 0.9)
        c = _jit(rng, _scale(_mix(base, alt, rng.random() * 0.6), rng.uniform(0.6, 1.35)), 5)
        d.ellipse([x - rx, y - ry, x + rx, y + ry], fill=_scale(c, 0.7))
        d.ellipse([x - rx * 0.9, y - ry * 0.95, x + rx * 0.7, y + ry * 0.6], fill=c)
        d.ellipse([x - rx * 0.5, y - ry * 0.6, x, y - ry * 0.1], fill=_mix(c, (255, 255, 255), 0.25))
    a = np.asarray(im.filter(ImageFilter.GaussianBlur(0.6)), np.float32) / 255
    return a * (0.9 + 0.2 * _fractal(g, h, w, max(w, h) / 3, 2))[..., None]


def _bg_asphalt(g, rng, w, h):
    base = np.array(_jit(rng, rng.choice([(70, 70, 72), (95, 94, 92), (50, 50, 54), (120, 118, 112)]), 8),
                    np.float32) / 255
    fine = g.random((h, w), dtype=np.float32)
    sp = _smooth(g, h, w, 1.5)
    t = 0.85 + 0.2 * (sp - 0.5) + 0.15 * (fine - 0.5) + 0.2 * (_fractal(g, h, w, max(w, h) / 3, 3) - 0.5)
    t = t + 0.5 * np.clip((sp - 0.8) * 5, 0, 1)
    img = base[None, None, :] * t[..., None]
    im = _arr_img(np.clip(img, 0, 1))
    d = ImageDraw.Draw(im)
    if rng.random() < 0.5:   # painted road / parking marking
        col = rng.choice([(235, 235, 225), (230, 190, 40)])
        x = rng.uniform(0.1, 0.9) * w
        ww = rng.uniform(0.03, 0.08) * w
        sk = rng.uniform(-0.3, 0.3) * h
        d.polygon([(x, 0), (x + ww, 0), (x + ww + sk, h), (x + sk, h)], fill=col)
    if rng.random() < 0.6:   # cracks / tar seams
        for _ in range(rng.randint(1, 3)):
            p0 = (rng.uniform(0, w), rng.uniform(0, h))
            p1 = (rng.uniform(0, w), rng.uniform(0, h))
            d.line(_jagged(p0, p1, rng, 14, 0.06), fill=(20, 20, 22), width=rng.randint(1, 3))
    a = np.asarray(im, np.float32) / 255
    return a * (0.88 + 0.24 * fine[..., None] * 0.5)


def _bg_brick(g, rng, w, h):
    vert = rng.random() < 0.4
    if vert:
        w, h = h, w
    base = np.array(_jit(rng, rng.choice([(160, 70, 50), (180, 110, 80), (130, 60, 45), (190, 160, 120),
                                             (110, 100, 95)]), 12), np.float32) / 255
    mortar = np.array(_jit(rng, (175, 170, 160), 20), np.float32) / 255
    yy, xx = _grid(h, w)
    bh = rng.uniform(0.05, 0.12) * max(w, h)
    bw = bh * rng.uniform(1.8, 2.6)
    row = np.floor(yy / bh)
    off = np.where(row % 2 == 1, bw / 2, 0)
    col = np.floor((xx + off) / bw)
    tone = 0.8 + 0.3 * _hash01(row, col)
    mw = max(1.2, bh * 0.08)
    m = (((yy % bh) < mw) | (((xx + off) % bw) < mw)).astype(np.float32)[..., None]
    tex = 0.9 + 0.2 * _fractal(g, h, w, bh / 2, 3) + 0.08 * (g.random((h, w), dtype=np.float32) - 0.5)
    img = base * (tone * tex)[..., None]
    img = img * (1 - m) + mortar * tex[..., None] * m
    return img.transpose(1, 0, 2) if vert else img


def _bg_leaves(g, rng, w, h):
    ground = _jit(rng, rng.choice([(70, 55, 40), (90, 80, 60), (60, 70, 45), (110, 105, 95)]), 10)
    a = np.asarray(ground, np.float32)[None, None, :] / 255 * (0.8 + 0.4 * _fractal(g, h, w, max(w, h) / 5, 3))[..., None]
    im = _arr_img(np.clip(a, 0, 1))
    d = ImageDraw.Draw(im)
    cols = [(200, 90, 30), (220, 160, 40), (160, 50, 30), (120, 80, 40), (180, 120, 50), (110, 120, 40)]
    sz = rng.uniform(0.03, 0.07) * max(w, h)
    for _ in range(int(w * h / (sz * sz * rng.uniform(0.5, 1.5)))):
        x, y, L = rng.uniform(-sz, w + sz), rng.uniform(-sz, h + sz), sz * rng.uniform(0.6, 1.4)
        t = rng.uniform(0, 2 * math.pi)
        ca, sa = math.cos(t), math.sin(t)
        wd = L * rng.uniform(0.3, 0.55)
        pts = []
        for k in range(12):
            s = k / 11
            off = wd * math.sin(math.pi * s) ** 0.8
            pts.append((s - 0.5, off))
        pts = pts + [(p[0], -p[1]) for p in pts[::-1]]
        poly = [(x + (u * L) * ca - v * sa, y + (u * L) * sa + v * ca) for u, v in pts]
        c = _jit(rng, rng.choice(cols), 20)
        d.polygon(poly, fill=c)
        d.line([(x - 0.5 * L * ca, y - 0.5 * L * sa), (x + 0.7 * L * ca, y + 0.7 * L * sa)], fill=_scale(c, 0.6),
               width=1)
    return np.asarray(im, np.float32) / 255


def _bg_flagstone(g, rng, w, h):
    base = _jit(rng, rng.choice([(150, 140, 125), (120, 120, 118), (175, 160, 130), (130, 110, 100)]), 10)
    gap = np.array(_jit(rng, rng.choice([(60, 55, 45), (70, 90, 50), (170, 165, 150)]), 10), np.float32) / 255
    s = 0.35
    sw_, sh_ = max(8, int(w * s)), max(8, int(h * s))
    yy, xx = _grid(sh_, sw_)
    n = rng.randint(10, 30)
    pts = [(rng.uniform(-0.1, 1.1) * sw_, rng.uniform(-0.1, 1.1) * sh_) for _ in range(n)]
    dd = np.stack([np.hypot(xx - px, yy - py) for px, py in pts])
    dd += (_smooth(g, sh_, sw_, 6)[None] - 0.5) * 6
    srt = np.sort(dd, axis=0)
    edge = np.clip((srt[1] - srt[0]) / 2.2, 0, 1)
    lab = np.argmin(dd, axis=0)
    tone = np.array([rng.uniform(0.8, 1.15) for _ in range(n)], np.float32)[lab]
    edge = np.asarray(Image.fromarray(_u8(edge)).resize((w, h), Image.Resampling.BILINEAR), np.float32) / 255
    tone = np.asarray(Image.fromarray(_u8(tone / 1.2)).resize((w, h), Image.Resampling.NEAREST), np.float32) / 255 * 1.2
    tex = 0.85 + 0.25 * _fractal(g, h, w, max(w, h) / 8, 4) + 0.06 * (g.random((h, w), dtype=np.float32) - 0.5)
    img = np.asarray(base, np.float32)[None, None, :] / 255 * (tone * tex)[..., None]
    e = edge[..., None]
    return img * e + gap * (1 - e)


def _bg_sand(g, rng, w, h):
    base = np.array(_jit(rng, rng.choice([(215, 195, 150), (190, 170, 130), (225, 215, 190), (160, 140, 110)]), 8),
                    np.float32) / 255
    yy, xx = _grid(h, w)
    a = rng.uniform(0, math.pi)
    warp = _fractal(g, h, w, max(w, h) / 3, 2) * rng.uniform(10, 30)
    rip = np.sin((xx * math.cos(a) + yy * math.sin(a) + warp) * rng.uniform(0.15, 0.4))
    fine = g.random((h, w), dtype=np.float32)
    t = 0.92 + 0.07 * rip * rng.uniform(0.3, 1.0) + 0.12 * (fine - 0.5) + 0.1 * (_smooth(g, h, w, 20) - 0.5)
    img = base[None, None, :] * t[..., None]
    dark = (fine > 0.985)[..., None] * 0.5
    return img * (1 - dark)


_BG_FUNCS.update({"parquet": _bg_parquet, "rug": _bg_rug, "linoleum": _bg_linoleum, "bedsheet": _bg_bedsheet,
                  "terrazzo": _bg_terrazzo, "metal": _bg_metal, "gravel": _bg_gravel, "asphalt": _bg_asphalt,
                  "brick": _bg_brick, "leaves": _bg_leaves, "flagstone": _bg_flagstone, "sand": _bg_sand})
_FLOOR_BGS = {"indoor_floor": ["parquet", "rug", "linoleum", "bedsheet", "terrazzo", "metal"],
              "outdoor_ground": ["gravel", "asphalt", "brick", "leaves", "flagstone", "sand"]}

# ============================================================================================ photographed devices
# Train-split error screens that are photos of household devices showing a fault: an appliance control panel with
# a seven-segment display, a car instrument cluster, a card-payment terminal and a kiosk / ATM / self-checkout.
_SEG = {"0": "abcdef", "1": "bc", "2": "abdeg", "3": "abcdg", "4": "bcfg", "5": "acdfg", "6": "acdefg", "7": "abc",
        "8": "abcdefg", "9": "abcdfg", "E": "adefg", "r": "eg", "F": "aefg", "H": "bcefg", "L": "def", "P": "abefg",
        "C": "adef", "d": "bcdeg", "b": "cdefg", "-": "g", "n": "ceg", "o": "cdeg", "U": "bcdef", "t": "defg",
        "A": "abcefg", " ": ""}


def _seven_seg(d: ImageDraw.ImageDraw, x, y, ch_h, text: str, on, off=None, skew: float = 0.12) -> float:
    """Draw `text` as seven-segment digits (top-left at x, y, digit height ch_h); returns the end x."""
    cw, t = ch_h * 0.5, ch_h * 0.11

    def seg(p0, p1):
        (ax, ay), (bx, by) = p0, p1
        if ax == bx:
            pts = [(ax, ay + t * 0.6), (ax + t / 2, ay + t * 1.1), (ax + t / 2, by - t * 1.1), (ax, by - t * 0.6),
                   (ax - t / 2, by - t * 1.1), (ax - t / 2, ay + t * 1.1)]
        else:
            pts = [(ax + t * 0.6, ay), (ax + t * 1.1, ay - t / 2), (bx - t * 1.1, ay - t / 2), (bx - t * 0.6, ay),
                   (bx - t * 1.1, ay + t / 2), (ax + t * 1.1, ay + t / 2)]
        return pts
    for chh in text:
        if chh in ".:":
            r = t * 0.6
            if chh == ".":
                d.ellipse([x - r, y + ch_h - r, x + r, y + ch_h + r], fill=on)
            else:
                for yy in (y + ch_h * 0.3, y + ch_h * 0.7):
                    d.ellipse([x - r, yy - r, x + r, yy + r], fill=on)
            x += t * 2.5
            continue
        P = {"a": ((x, y), (x + cw, y)), "b": ((x + cw, y), (x + cw, y + ch_h / 2)),
             "c": ((x + cw, y + ch_h / 2), (x + cw, y + ch_h)), "d": ((x, y + ch_h), (x + cw, y + ch_h)),
             "e": ((x, y + ch_h / 2), (x, y + ch_h)), "f": ((x, y), (x, y + ch_h / 2)),
             "g": ((x, y + ch_h / 2), (x + cw, y + ch_h / 2))}
        lit = _SEG.get(chh, _SEG.get(chh.upper(), ""))
        for s, (p0, p1) in P.items():
            col = on if s in lit else off
            if col is None:
                continue
            pts = [(px + (y + ch_h - py) * skew, py) for px, py in seg(p0, p1)]
            d.polygon(pts, fill=col)
        x += cw + ch_h * 0.32
    return x


_APPLIANCE_ERRORS = [("Drain fault", "E21"), ("Door not locked", "E4"), ("Water inlet fault", "F21"),
                     ("Heating error", "Err 5"), ("Motor fault", "F43"), ("Unbalanced load", "UE"),
                     ("Temperature sensor", "E05"), ("No water", "E1"), ("Overflow", "OE"), ("Pump blocked", "F02"),
                     ("Fan error", "Er 7"), ("Control board", "E-10")]


def _appliance_panel(rng, g):
    title, code = rng.choice(_APPLIANCE_ERRORS)
    kind = rng.choice(["washer", "oven", "dishwasher", "microwave", "aircon"])
    W, H = 900, int(900 * rng.uniform(0.38, 0.6))
    P = _Painter(W, H, g)
    body = _jit(rng, rng.choice([(238, 238, 236), (200, 202, 206), (30, 30, 34), (170, 172, 178), (245, 242, 235)]), 5)
    P.rrect([0, 0, W, H], H * 0.05, body, shade=sh_lin(0, 0, 0, H, 1.08, 0.85), edge=(0.25, 5),
            tex=0.05 if _lum(body) > 100 else 0.1)
    if _lum(body) > 150 and rng.random() < 0.5:   # brushed steel strip
        P.rrect([0, H * 0.62, W, H], 0, (190, 192, 198), on=True,
                shade=lambda xx, yy: 0.9 + 0.15 * np.sin(xx * 0.05) ** 2)
    ink = (70, 70, 74) if _lum(body) > 120 else (200, 200, 205)
    lf = _font(rng.choice(["sans", "sans_cond", "lsans"]), H * 0.055)
    # display window
    dw, dh = W * rng.uniform(0.22, 0.3), H * rng.uniform(0.26, 0.36)
    dx0 = W * rng.uniform(0.38, 0.5)
    dy0 = H * 0.16
    P.rrect([dx0 - 6, dy0 - 6, dx0 + dw + 6, dy0 + dh + 6], 8, _scale(body, 0.5))
    disp = Image.new("RGB", (int(dw), int(dh)), rng.choice([(10, 10, 12), (18, 14, 10), (5, 12, 20)]))
    dd = ImageDraw.Draw(disp)
    on = rng.choice([(255, 60, 40), (60, 255, 120), (80, 200, 255), (255, 170, 40), (240, 240, 255)])
    off = _mix(on, (10, 10, 12), 0.9)
    chh = dh * 0.62
    tw = sum((chh * 0.82 if c not in ".: " else chh * 0.3) for c in code)
    _seven_seg(dd, max(4, (dw - tw) / 2), (dh - chh) / 2, chh, code, on, off)
    if rng.random() < 0.6:   # small status icons on the display
        for k in range(rng.randint(1, 3)):
            dd.rectangle([dw * 0.06 + k * dw * 0.1, dh * 0.82, dw * 0.12 + k * dw * 0.1, dh * 0.92],
                         fill=on if k == 0 else off)
    disp = disp.filter(ImageFilter.GaussianBlur(0.6))
    glow = disp.filter(ImageFilter.GaussianBlur(4))
    disp = ImageChops.lighter(disp, glow)
    m = P.mask(lambda d: d.rectangle([dx0, dy0, dx0 + dw, dy0 + dh], fill=255))
    P.image_in(disp, (dx0, dy0, dx0 + dw, dy0 + dh), m)
    P.poly([(dx0, dy0), (dx0 + dw * 0.4, dy0), (dx0 + dw * 0.15, dy0 + dh), (dx0, dy0 + dh)], (255, 255, 255),
           opacity=0.08)
    # rotary dial with programme labels (washers, ovens) or a row of buttons
    if kind in ("washer", "oven", "dishwasher") and rng.random() < 0.8:
        kx, ky, kr = W * rng.uniform(0.14, 0.22), H * 0.45, H * rng.uniform(0.2, 0.27)
        progs = rng.sample(["Cotton", "Eco", "Quick", "Wool", "Synth", "Rinse", "Spin", "Mix", "Delicate", "Intense",
                            "Grill", "Fan", "Defrost", "Pizza", "Auto", "Glass", "60°", "40°", "90°"], 8)
        for i, lab in enumerate(progs):
            a = math.pi * (0.75 + 1.5 * i / 7)
            tx, ty = kx + math.cos(a) * kr * 1.5, ky + math.sin(a) * kr * 1.5
            P.text((tx, ty), lab, _font("sans_cond", H * 0.042), ink, anchor="mm")
            P.line([(kx + math.cos(a) * kr * 1.08, ky + math.sin(a) * kr * 1.08),
                    (kx + math.cos(a) * kr * 1.2, ky + math.sin(a) * kr * 1.2)], 2, ink)
        P.ellipse([kx - kr, ky - kr, kx + kr, ky + kr], _scale(body, 0.9), shade=sh_sphere(kx, ky, kr, lo=0.6),
                  edge=(0.35, 4))
        P.ellipse([kx - kr * 0.78, ky - kr * 0.78, kx + kr * 0.78, ky + kr * 0.78], _scale(body, 1.02),
                  shade=sh_lin(kx - kr, ky - kr, kx + kr, ky + kr, 1.1, 0.8))
        a = rng.uniform(0, 2 * math.pi)
        P.line([(kx + math.cos(a) * kr * 0.2, ky + math.sin(a) * kr * 0.2),
                (kx + math.cos(a) * kr * 0.7, ky + math.sin(a) * kr * 0.7)], kr * 0.08, rng.choice([(220, 40, 40), ink]))
        bx0 = dx0 + dw + W * 0.05
    else:
        bx0 = dx0 + dw + W * 0.05
        for i in range(rng.randint(2, 4)):
            cx, cy = W * 0.06 + i * W * 0.085, H * 0.33
            P.rrect([cx - W * 0.03, cy - H * 0.08, cx + W * 0.03, cy + H * 0.08], 6, _scale(body, 0.92),
                    edge=(0.3, 2), shade=sh_lin(0, cy - H * 0.08, 0, cy + H * 0.08, 1.1, 0.85))
            P.text((cx, cy + H * 0.15), rng.choice(["Temp", "Timer", "Mode", "Fan", "Power", "Lock", "Start"]),
                   _font("sans_cond", H * 0.045), ink, anchor="mm")
    # buttons with labels and LEDs to the right of the display
    labs = rng.sample(["Start/Pause", "Temp", "Spin", "Delay", "Options", "Child lock", "Steam", "Half load",
                       "Power", "Cancel"], rng.randint(2, 4))
    nb = len(labs)
    span = (W * 0.97 - bx0) / max(1, nb)
    for i, lab in enumerate(labs):
        cx, cy = bx0 + span * (i + 0.5), H * 0.38
        r = min(span * 0.28, H * 0.09)
        if rng.random() < 0.5:
            P.ellipse([cx - r, cy - r, cx + r, cy + r], _scale(body, 0.88), shade=sh_sphere(cx, cy, r, lo=0.7),
                      edge=(0.3, 2))
        else:
            P.rrect([cx - r * 1.3, cy - r * 0.7, cx + r * 1.3, cy + r * 0.7], r * 0.3, _scale(body, 0.9),
                    edge=(0.3, 2))
        P.text((cx, cy + r + H * 0.06), lab, _font("sans_cond", H * 0.04), ink, anchor="mm")
        if rng.random() < 0.5:
            led = (255, 40, 30) if i == 0 and rng.random() < 0.6 else rng.choice([(40, 255, 80), (255, 170, 30)])
            P.ellipse([cx - 5, cy - r - 18, cx + 5, cy - r - 8], led)
            P.ellipse([cx - 12, cy - r - 25, cx + 12, cy - r - 1], led, opacity=0.35, blur=5)
    P.text((W * 0.04, H * 0.88), rng.choice(["WashPro 8kg", "CleanMax", "ThermoChef", "AquaLux 7", "BrightWave",
                                            "CoolBreeze"]), _font("sans_bold", H * 0.06), ink, anchor="ls")
    if kind == "washer" and rng.random() < 0.6:   # the top of the door below the panel
        out = Image.new("RGBA", (W, int(H * 1.7)), (0, 0, 0, 0))
        Q = _Painter(W, int(H * 1.7), g)
        Q.rrect([0, 0, W, H * 1.7], H * 0.05, _scale(body, 0.97), shade=sh_lin(0, 0, 0, H * 1.7, 1.0, 0.8))
        dr = W * 0.32
        dcx, dcy = W * 0.5, H * 1.0 + dr
        Q.ellipse([dcx - dr, dcy - dr, dcx + dr, dcy + dr], (150, 152, 160), shade=sh_sphere(dcx, dcy, dr, lo=0.6),
                  edge=(0.3, 4))
        Q.ellipse([dcx - dr * 0.78, dcy - dr * 0.78, dcx + dr * 0.78, dcy + dr * 0.78], (40, 45, 55),
                  shade=sh_sphere(dcx, dcy, dr * 0.78, lo=0.5, hi=1.3))
        out = Q.image()
        out.alpha_composite(P.image(), (0, 0))
        return out, {"error_code": code, "title": title, "device": kind}
    return P.image(), {"error_code": code, "title": title, "device": kind}


_CAR_WARNINGS = [("Engine fault - visit workshop", "P0301"), ("Check engine", "P0420"), ("Tyre pressure low", "TPMS"),
                 ("Brake system fault", "C1201"), ("Battery charging fault", "B1325"), ("Airbag fault", "B0012"),
                 ("Oil pressure low", "P0520"), ("Transmission fault", "P0700")]


def _car_dashboard(rng, g, W, H):
    """An instrument cluster photographed from the driver's seat (an RGB frame)."""
    title, code = rng.choice(_CAR_WARNINGS)
    img = Image.new("RGB", (W, H), _jit(rng, (14, 14, 16), 4))
    d = ImageDraw.Draw(img, "RGBA")
    # cluster hood
    d.rounded_rectangle([W * 0.02, H * 0.08, W * 0.98, H * 0.98], radius=H * 0.2, fill=_jit(rng, (22, 22, 25), 4))
    d.rounded_rectangle([W * 0.05, H * 0.14, W * 0.95, H * 0.94], radius=H * 0.18, fill=(6, 6, 8))
    acc = rng.choice([(255, 255, 255), (120, 200, 255), (255, 140, 40), (255, 60, 60)])
    for gi, (gx, lab, mx) in enumerate(((W * 0.22, "km/h", 260), (W * 0.78, "x1000 rpm", 8))):
        gy, gr = H * 0.52, min(W * 0.17, H * 0.38)
        d.ellipse([gx - gr, gy - gr, gx + gr, gy + gr], outline=(60, 60, 66, 255), width=3)
        n = 13 if mx == 260 else 9
        for i in range(n):
            a = math.radians(135 + 270 * i / (n - 1))
            d.line([gx + math.cos(a) * gr * 0.82, gy + math.sin(a) * gr * 0.82, gx + math.cos(a) * gr * 0.95,
                    gy + math.sin(a) * gr * 0.95], fill=acc, width=3)
            v = int(mx * i / (n - 1))
            d.text((gx + math.cos(a) * gr * 0.66, gy + math.sin(a) * gr * 0.66), str(v),
                   font=_font("sans_cond", gr * 0.11), fill=(220, 220, 225), anchor="mm")
        a = math.radians(135 + 270 * rng.uniform(0.0, 0.25))
        d.line([gx, gy, gx + math.cos(a) * gr * 0.85, gy + math.sin(a) * gr * 0.85], fill=(255, 60, 30), width=5)
        d.ellipse([gx - gr * 0.08, gy - gr * 0.08, gx + gr * 0.08, gy + gr * 0.08], fill=(40, 40, 44))
        d.text((gx, gy + gr * 0.35), lab, font=_font("sans", gr * 0.09), fill=(180, 180, 185), anchor="mm")
    # centre display with the warning
    cx0, cy0, cx1, cy1 = W * 0.4, H * 0.22, W * 0.6, H * 0.8
    d.rounded_rectangle([cx0, cy0, cx1, cy1], radius=10, fill=_jit(rng, (20, 24, 32), 6))
    tri = [((cx0 + cx1) / 2, cy0 + (cy1 - cy0) * 0.1), ((cx0 + cx1) / 2 - (cx1 - cx0) * 0.22, cy0 + (cy1 - cy0) * 0.38),
           ((cx0 + cx1) / 2 + (cx1 - cx0) * 0.22, cy0 + (cy1 - cy0) * 0.38)]
    wc = rng.choice([(255, 190, 0), (255, 60, 40)])
    d.polygon(tri, fill=wc)
    d.text(((cx0 + cx1) / 2, cy0 + (cy1 - cy0) * 0.29), "!", font=_font("sans_bold", (cy1 - cy0) * 0.16),
           fill=(0, 0, 0), anchor="mm")
    f = _font("sans_cond_bold", (cx1 - cx0) * 0.085)
    lines = _wrap(d, title, f, (cx1 - cx0) * 0.9)
    for i, ln in enumerate(lines[:3]):
        d.text(((cx0 + cx1) / 2, cy0 + (cy1 - cy0) * (0.5 + 0.11 * i)), ln, font=f, fill=(240, 240, 240), anchor="mm")
    d.text(((cx0 + cx1) / 2, cy0 + (cy1 - cy0) * 0.86), code, font=_font("mono_bold", (cx1 - cx0) * 0.1),
           fill=wc, anchor="mm")
    # warning lamps along the bottom
    for i in range(rng.randint(3, 6)):
        x = W * (0.3 + 0.08 * i)
        y = H * 0.86
        col = rng.choice([(255, 170, 0), (255, 40, 30), (40, 220, 80), (60, 140, 255)])
        shape = rng.choice(["engine", "battery", "circle", "oil"])
        s = H * 0.03
        if shape == "engine":
            d.rectangle([x - s, y - s * 0.6, x + s, y + s * 0.6], outline=col, width=3)
            d.rectangle([x - s * 0.4, y - s, x + s * 0.3, y - s * 0.6], fill=col)
        elif shape == "battery":
            d.rectangle([x - s, y - s * 0.6, x + s, y + s * 0.6], fill=col)
            d.text((x, y), "- +", font=_font("sans_bold", s * 0.8), fill=(0, 0, 0), anchor="mm")
        elif shape == "circle":
            d.ellipse([x - s, y - s, x + s, y + s], outline=col, width=3)
            d.text((x, y), rng.choice(["!", "P", "ABS"]), font=_font("sans_bold", s * 0.7), fill=col, anchor="mm")
        else:
            d.polygon([(x - s, y + s * 0.5), (x + s * 0.6, y + s * 0.5), (x + s, y - s * 0.3), (x - s * 0.4, y - s * 0.3)],
                      fill=col)
    img = ImageChops.lighter(img, img.filter(ImageFilter.GaussianBlur(3)))
    # steering wheel rim in the foreground
    if rng.random() < 0.7:
        d = ImageDraw.Draw(img, "RGBA")
        rr = W * rng.uniform(0.55, 0.75)
        cx, cy = W * rng.uniform(0.4, 0.6), H + rr * rng.uniform(0.45, 0.7)
        d.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], outline=_jit(rng, (25, 25, 27), 4) + (255,),
                  width=int(H * 0.09))
        d.arc([cx - rr, cy - rr, cx + rr, cy + rr], 200, 340, fill=(70, 70, 75, 120), width=int(H * 0.02))
    return img, {"error_code": code, "title": title}


_TERMINAL_ERRORS = [("DECLINED", "05"), ("CARD ERROR", "E-12"), ("NOT AUTHORISED", "51"), ("COMMS FAILURE", "E-91"),
                    ("PIN BLOCKED", "75"), ("TRANSACTION VOID", "E-06"), ("CARD READ ERROR", "R-03")]


def _card_terminal(rng, g):
    title, code = rng.choice(_TERMINAL_ERRORS)
    W, H = 420, int(420 * rng.uniform(1.7, 2.0))
    P = _Painter(W, H, g)
    body = _jit(rng, rng.choice([(30, 30, 34), (45, 45, 50), (230, 230, 228), (20, 30, 50)]), 5)
    P.rrect([0, 0, W, H], W * 0.12, body, shade=sh_cyl(0, W, -0.3, 0.7, 1.1), edge=(0.35, 6))
    sx0, sy0, sx1, sy1 = W * 0.1, H * 0.06, W * 0.9, H * 0.4
    P.rrect([sx0 - 5, sy0 - 5, sx1 + 5, sy1 + 5], 8, (10, 10, 12))
    scr = Image.new("RGB", (int(sx1 - sx0), int(sy1 - sy0)), rng.choice([(245, 245, 240), (200, 225, 235),
                                                                         (20, 60, 130), (235, 240, 220)]))
    sd = ImageDraw.Draw(scr)
    fg = (20, 20, 20) if _lum(scr.getpixel((0, 0))) > 120 else (255, 255, 255)
    sw_, sh_ = scr.size
    sd.rectangle([0, 0, sw_, sh_ * 0.14], fill=rng.choice([(200, 30, 30), (30, 80, 160), (40, 40, 40)]))
    sd.text((sw_ * 0.05, sh_ * 0.07), rng.choice(["SALE", "PAYMENT", "PURCHASE"]), font=_font("sans_bold", sh_ * 0.08),
            fill=(255, 255, 255), anchor="lm")
    sd.text((sw_ / 2, sh_ * 0.35), title, font=_font("sans_bold", min(sh_ * 0.13, sw_ / max(6, len(title)) * 1.5)),
            fill=(200, 20, 20) if fg[0] < 100 else (255, 200, 60), anchor="mm")
    sd.text((sw_ / 2, sh_ * 0.56), f"Code {code}", font=_font("mono_bold", sh_ * 0.11), fill=fg, anchor="mm")
    sd.text((sw_ / 2, sh_ * 0.78), rng.choice(["REMOVE CARD", "TRY AGAIN", "CONTACT BANK", "INSERT CARD"]),
            font=_font("sans", sh_ * 0.08), fill=fg, anchor="mm")
    m = P.mask(lambda d: d.rectangle([sx0, sy0, sx1, sy1], fill=255))
    P.image_in(scr, (sx0, sy0, sx1, sy1), m)
    P.poly([(sx0, sy0), (sx0 + (sx1 - sx0) * 0.5, sy0), (sx0 + (sx1 - sx0) * 0.25, sy1), (sx0, sy1)],
           (255, 255, 255), opacity=0.12)
    keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]
    kw_, kh_ = W * 0.22, H * 0.065
    kc = _jit(rng, rng.choice([(70, 70, 76), (200, 200, 205), (240, 240, 240)]), 5)
    for i, k in enumerate(keys):
        cx, cy = W * (0.22 + 0.28 * (i % 3)), H * (0.48 + 0.085 * (i // 3))
        P.rrect([cx - kw_ / 2, cy - kh_ / 2, cx + kw_ / 2, cy + kh_ / 2], kh_ * 0.3, kc, edge=(0.3, 2),
                shade=sh_lin(0, cy - kh_ / 2, 0, cy + kh_ / 2, 1.15, 0.8))
        P.text((cx, cy), k, _font("sans_bold", kh_ * 0.55), (255, 255, 255) if _lum(kc) < 120 else (20, 20, 20),
               anchor="mm")
    for i, col in enumerate([(210, 40, 40), (240, 200, 30), (40, 170, 70)]):
        cx, cy = W * (0.22 + 0.28 * i), H * 0.84
        P.rrect([cx - kw_ / 2, cy - kh_ / 2, cx + kw_ / 2, cy + kh_ / 2], kh_ * 0.3, col, edge=(0.3, 2),
                shade=sh_lin(0, cy - kh_ / 2, 0, cy + kh_ / 2, 1.15, 0.8))
    P.rrect([W * 0.2, H * 0.93, W * 0.8, H * 0.955], 3, (5, 5, 5))
    return P.image(), {"error_code": code, "title": title}


_KIOSK_ERRORS = [("Unexpected item in bagging area", "Please wait for assistance", "E-301"),
                 ("Transaction cannot be completed", "Your card has not been charged", "0x0045"),
                 ("Out of service", "Sorry for any inconvenience", "E-17"),
                 ("Ticket could not be printed", "Please contact staff", "TKT-04"),
                 ("Cash dispenser fault", "Please use another machine", "E-220"),
                 ("Card could not be read", "Please try again", "E-035")]


def _kiosk_screen(rng, g):
    """An ATM / self-checkout / ticket machine: a screen set in a housing, with a slot and keypad."""
    title, sub, code = rng.choice(_KIOSK_ERRORS)
    W, H = 720, int(720 * rng.uniform(0.95, 1.25))
    P = _Painter(W, H, g)
    housing = _jit(rng, rng.choice([(170, 175, 180), (40, 42, 48), (200, 40, 40), (30, 80, 150), (225, 225, 220)]), 6)
    P.rrect([0, 0, W, H], 20, housing, shade=sh_lin(0, 0, 0, H, 1.1, 0.8), edge=(0.3, 6), tex=0.06)
    sx0, sy0, sx1, sy1 = W * 0.1, H * 0.07, W * 0.9, H * 0.58
    P.rrect([sx0 - 12, sy0 - 12, sx1 + 12, sy1 + 12], 10, (15, 15, 18))
    sw_, sh_ = int(sx1 - sx0), int(sy1 - sy0)
    bgc = rng.choice([(20, 70, 150), (245, 245, 245), (0, 120, 90), (240, 120, 0), (30, 30, 35)])
    scr = Image.new("RGB", (sw_, sh_), bgc)
    sd = ImageDraw.Draw(scr)
    fg = (20, 20, 20) if _lum(bgc) > 150 else (255, 255, 255)
    sd.rectangle([0, 0, sw_, sh_ * 0.12], fill=_scale(bgc, 0.7) if _lum(bgc) > 60 else (60, 60, 70))
    sd.text((sw_ * 0.04, sh_ * 0.06), rng.choice(["Northbridge Bank", "SelfScan", "RailTickets", "QuickPay"]),
            font=_font("sans_bold", sh_ * 0.06), fill=(255, 255, 255), anchor="lm")
    _icon(sd, sw_ / 2, sh_ * 0.3, sh_ * 0.09, rng.choice(["error", "warning"]))
    f = _font("sans_bold", sh_ * 0.075)
    for i, ln in enumerate(_wrap(sd, title, f, sw_ * 0.85)[:2]):
        sd.text((sw_ / 2, sh_ * (0.5 + 0.1 * i)), ln, font=f, fill=fg, anchor="mm")
    sd.text((sw_ / 2, sh_ * 0.73), sub, font=_font("sans", sh_ * 0.05), fill=fg, anchor="mm")
    sd.text((sw_ / 2, sh_ * 0.86), f"Error {code}", font=_font("mono", sh_ * 0.05), fill=fg, anchor="mm")
    m = P.mask(lambda d: d.rectangle([sx0, sy0, sx1, sy1], fill=255))
    P.image_in(scr, (sx0, sy0, sx1, sy1), m)
    gx = rng.uniform(0.2, 0.8) * (sx1 - sx0) + sx0
    P.poly([(gx, sy0), (gx + W * 0.12, sy0), (gx - W * 0.05, sy1), (gx - W * 0.17, sy1)], (255, 255, 255),
           opacity=rng.uniform(0.08, 0.2), blur=8)
    # keypad, card slot, receipt slot
    for i in range(12):
        cx, cy = W * (0.18 + 0.1 * (i % 3)), H * (0.67 + 0.07 * (i // 3))
        P.rrect([cx - W * 0.04, cy - H * 0.028, cx + W * 0.04, cy + H * 0.028], 5, (190, 190, 195), edge=(0.3, 2))
        P.text((cx, cy), "123456789*0#"[i], _font("sans_bold", H * 0.03), (30, 30, 30), anchor="mm")
    P.rrect([W * 0.58, H * 0.68, W * 0.86, H * 0.72], 4, (10, 10, 10))
    P.rrect([W * 0.6, H * 0.69, W * 0.84, H * 0.705], 2, (60, 200, 90), opacity=0.7)
    P.rrect([W * 0.58, H * 0.8, W * 0.86, H * 0.83], 4, (10, 10, 10))
    return P.image(), {"error_code": code, "title": title}

_DEVICE_FUNCS = {"appliance_panel": _appliance_panel, "car_dashboard": _car_dashboard, "card_terminal": _card_terminal,
                 "kiosk_screen": _kiosk_screen}


def _render_device_error(layout, rng, g):
    """Photograph a device showing an error (train split only)."""
    extra = {}
    if layout == "car_dashboard":
        size = _out_size(rng, 480, OUT_MAX, portrait=0.1, aspects=(4 / 3, 3 / 2, 16 / 9))
        frame, printed = _car_dashboard(rng, g, 900, int(900 * rng.uniform(0.45, 0.6)))
        img, _ = _shoot(frame.convert("RGBA"), "room", rng, g, size, ws=(0.8, 1.0), fill=(0.95, 1.25), rot=6,
                        persp=0.1, crop=0.1, shadow=0.0, effects=rng.uniform(0.5, 1.0))
    else:
        obj, printed = _DEVICE_FUNCS[layout](rng, g)
        if "device" in printed:
            extra["device"] = printed.pop("device")
        if layout == "appliance_panel":
            size = _out_size(rng, 480, OUT_MAX, portrait=0.25)
            img, _ = _shoot(obj, rng.choice(["counter", "room", "desk", "wood"]), rng, g, size, ws=(0.75, 1.0),
                            fill=(0.7, 1.2), rot=12, persp=0.15, crop=0.15, shadow=0.3, effects=rng.uniform(0.5, 1.0))
        elif layout == "card_terminal":
            size = _out_size(rng, 480, OUT_MAX, portrait=0.7)
            img, _ = _shoot(obj, rng.choice(["counter", "wood", "desk", "fabric"]), rng, g, size, ws=(0.75, 1.0),
                            fill=(0.5, 0.95), rot=25, persp=0.15, crop=0.05, hand=rng.random() < 0.4,
                            effects=rng.uniform(0.5, 1.0))
        else:
            size = _out_size(rng, 480, OUT_MAX, portrait=0.5)
            img, _ = _shoot(obj, rng.choice(["room", "room", "brick", "metal"]), rng, g, size, ws=(0.75, 1.0),
                            fill=(0.7, 1.1), rot=8, persp=0.18, crop=0.1, shadow=0.25, effects=rng.uniform(0.5, 1.0))
    return img, {"layout": layout, "product": None, "printed": printed, "presentation": "device_photo", **extra}


# ============================================================================================ more everyday scenes
def _scene_houseplant(rng, g):
    """A potted plant on a floor, shelf or windowsill."""
    W, H = _out_size(rng, portrait=0.6)
    S = 560
    P = _Painter(S, S, g)
    cx = S / 2
    pot_top, pot_bot = S * rng.uniform(0.58, 0.66), S * 0.97
    pw = S * rng.uniform(0.22, 0.32)
    pot = _jit(rng, rng.choice([(190, 100, 60), (240, 240, 235), (40, 40, 44), (90, 130, 120), (200, 180, 150)]), 8)
    kind = rng.choice(["leafy", "grass", "succulent", "monstera"])
    green = _jit(rng, rng.choice([(50, 120, 50), (70, 140, 60), (40, 100, 60), (100, 150, 70)]), 12)
    n = rng.randint(8, 18)
    for i in range(n):
        a = math.pi * (1.1 + 0.8 * rng.random())
        L = S * rng.uniform(0.25, 0.55)
        x0, y0 = cx + rng.uniform(-0.3, 0.3) * pw, pot_top
        x1, y1 = x0 + math.cos(a) * L * 0.7, y0 + math.sin(a) * L
        c = _jit(rng, green, 18)
        if kind == "grass":
            P.line(_spline([(x0, y0), ((x0 + x1) / 2 + rng.uniform(-20, 20), (y0 + y1) / 2), (x1, y1)], 6,
                           closed=False), rng.uniform(3, 7), c, edge=(0.3, 1))
            continue
        P.line([(x0, y0), (x1, y1)], 3, _scale(c, 0.8))
        lw_ = L * (0.25 if kind == "succulent" else 0.4)
        ang = math.atan2(y1 - y0, x1 - x0)
        ca, sa = math.cos(ang), math.sin(ang)
        pts = []
        for k in range(10):
            s = k / 9
            pts.append((s, lw_ * 0.5 * math.sin(math.pi * s) ** 0.7))
        pts += [(p[0], -p[1]) for p in pts[::-1]]
        ll = L * 0.45
        poly = [(x1 + (u * ll) * ca - v * sa, y1 + (u * ll) * sa + v * ca) for u, v in pts]
        P.poly(poly, c, edge=(0.3, 2), shade=sh_lin(x1, y1 - ll, x1, y1 + ll, 1.15, 0.8))
        P.line([(x1, y1), (x1 + ca * ll, y1 + sa * ll)], 1.5, _mix(c, (230, 240, 200), 0.4), on=True)
    P.poly([(cx - pw / 2, pot_top), (cx + pw / 2, pot_top), (cx + pw * 0.38, pot_bot), (cx - pw * 0.38, pot_bot)],
           pot, shade=sh_cyl(cx - pw / 2, cx + pw / 2, rng.uniform(-0.6, 0.6)), edge=(0.3, 3))
    P.rrect([cx - pw * 0.53, pot_top - S * 0.02, cx + pw * 0.53, pot_top + S * 0.03], 4, _scale(pot, 0.95),
            shade=sh_cyl(cx - pw / 2, cx + pw / 2))
    P.ellipse([cx - pw * 0.48, pot_top - S * 0.02, cx + pw * 0.48, pot_top + S * 0.015], (60, 40, 25), opacity=0.9)
    obj = P.image()
    obj = obj.crop(obj.getbbox())
    bg = rng.choice(["room", "room", "wood", "desk", "parquet"])
    img, _ = _shoot(obj, bg, rng, g, (W, H), ws=(0.6, 0.9), fill=(0.5, 0.9), rot=6, persp=0.08,
                    effects=rng.uniform(0.4, 0.9), lift=0.3, crop=0.05)
    return img, {}


def _scene_street(rng, g):
    """A street: sky, buildings with windows, road, parked cars and trees."""
    W, H = _out_size(rng, portrait=0.3, aspects=(4 / 3, 3 / 2, 16 / 9))
    w, h = 560, int(560 * H / W)
    sky = _landscape_img(rng, g, w, h)
    img = sky.copy()
    d = ImageDraw.Draw(img)
    hor = h * rng.uniform(0.55, 0.7)
    x = -rng.uniform(0, 40)
    while x < w:
        bw = rng.uniform(0.12, 0.3) * w
        bh = rng.uniform(0.25, 0.6) * h
        col = _jit(rng, rng.choice([(180, 150, 120), (150, 80, 60), (200, 200, 195), (120, 120, 130), (220, 200, 160),
                                    (90, 100, 110)]), 15)
        d.rectangle([x, hor - bh, x + bw, hor], fill=col)
        wc = rng.choice([(60, 80, 100), (40, 50, 60), (150, 180, 200)])
        ww, wh = bw * 0.12, bh * 0.08
        for yy in np.arange(hor - bh + wh, hor - wh * 2, wh * 2.2):
            for xx in np.arange(x + ww, x + bw - ww, ww * 2):
                d.rectangle([xx, yy, xx + ww, yy + wh], fill=_jit(rng, wc, 12))
        if rng.random() < 0.4:
            d.rectangle([x, hor - bh - h * 0.02, x + bw, hor - bh], fill=_scale(col, 0.7))
        x += bw + rng.uniform(0, 8)
    d.rectangle([0, hor, w, h], fill=_jit(rng, (80, 80, 84), 8))
    d.rectangle([0, hor, w, hor + h * 0.04], fill=_jit(rng, (170, 165, 160), 10))
    for k in range(6):
        xx = w * (k / 6) + rng.uniform(0, 20)
        d.rectangle([xx, hor + (h - hor) * 0.55, xx + w * 0.06, hor + (h - hor) * 0.6], fill=(230, 230, 225))
    for _ in range(rng.randint(1, 4)):   # parked cars
        cx_ = rng.uniform(0.05, 0.9) * w
        cw = w * rng.uniform(0.12, 0.2)
        cy_ = hor + (h - hor) * rng.uniform(0.1, 0.3)
        ch = cw * 0.35
        col = _jit(rng, rng.choice(_BODY_COLS), 15)
        d.rounded_rectangle([cx_, cy_, cx_ + cw, cy_ + ch], radius=ch * 0.3, fill=col)
        d.rounded_rectangle([cx_ + cw * 0.2, cy_ - ch * 0.45, cx_ + cw * 0.75, cy_ + 2], radius=ch * 0.3, fill=col)
        d.rectangle([cx_ + cw * 0.27, cy_ - ch * 0.35, cx_ + cw * 0.68, cy_], fill=(60, 80, 100))
        for wx in (0.2, 0.8):
            d.ellipse([cx_ + cw * wx - ch * 0.3, cy_ + ch * 0.6, cx_ + cw * wx + ch * 0.3, cy_ + ch * 1.2],
                      fill=(20, 20, 20))
    for _ in range(rng.randint(0, 3)):   # street trees
        tx = rng.uniform(0, w)
        d.rectangle([tx - 3, hor - h * 0.15, tx + 3, hor + h * 0.02], fill=(70, 50, 30))
        r = h * rng.uniform(0.06, 0.12)
        d.ellipse([tx - r, hor - h * 0.15 - r * 1.5, tx + r, hor - h * 0.15 + r * 0.3], fill=_jit(rng, (60, 110, 50), 15))
    img = img.filter(ImageFilter.GaussianBlur(0.7)).resize((W, H), Image.Resampling.BILINEAR)
    return photo_effects(img, rng, strength=rng.uniform(0.3, 0.8)), {}


def _scene_sky(rng, g):
    """Sky and clouds, sometimes with a roofline, birds or a plane's contrail."""
    W, H = _out_size(rng, portrait=0.4)
    w, h = 400, int(400 * H / W)
    mode = rng.choice(["blue", "blue", "sunset", "grey"])
    top, bot = {"blue": ((40, 100, 200), (150, 200, 240)), "sunset": ((80, 60, 130), (250, 160, 90)),
                "grey": ((120, 125, 135), (190, 192, 198))}[mode]
    yy, xx = _grid(h, w)
    t = (yy / h)[..., None]
    sky = np.array(_jit(rng, top, 15), np.float32) / 255 * (1 - t) + np.array(_jit(rng, bot, 15), np.float32) / 255 * t
    cl = _fractal(g, h, w, max(w, h) / rng.uniform(1.5, 4), 5, 0.55)
    cov = rng.uniform(0.35, 0.65)
    m = np.clip((cl - cov) * rng.uniform(3, 7), 0, 1)[..., None]
    shade = (0.75 + 0.3 * _fractal(g, h, w, max(w, h) / 6, 3))[..., None]
    ccol = np.array([1.0, 0.97, 0.93] if mode != "sunset" else [1.0, 0.8, 0.65], np.float32)
    img = sky * (1 - m) + ccol * shade * m
    im = _arr_img(np.clip(img, 0, 1))
    d = ImageDraw.Draw(im)
    r = rng.random()
    if r < 0.3:   # roofline silhouette
        y0 = h * rng.uniform(0.75, 0.9)
        pts = [(0, h)]
        x = 0
        while x < w:
            bw = rng.uniform(20, 80)
            yy_ = y0 - rng.uniform(0, h * 0.15)
            pts += [(x, yy_), (x + bw, yy_)]
            x += bw
        pts += [(w, h)]
        d.polygon(pts, fill=_jit(rng, (30, 30, 35), 8))
    elif r < 0.55:   # birds
        for _ in range(rng.randint(3, 12)):
            bx, by, s = rng.uniform(0, w), rng.uniform(0, h * 0.7), rng.uniform(3, 8)
            d.line([(bx - s, by - s * 0.4), (bx, by), (bx + s, by - s * 0.4)], fill=(30, 30, 30), width=2)
    elif r < 0.7:   # contrail
        y0 = rng.uniform(0, h)
        d.line([(0, y0), (w, y0 + rng.uniform(-h, h) * 0.5)], fill=(250, 250, 250), width=3)
    im = im.resize((W, H), Image.Resampling.BILINEAR)
    return photo_effects(im, rng, strength=rng.uniform(0.2, 0.6)), {}


def _scene_kids_drawing(rng, g):
    """A child's crayon drawing (house, sun, people, tree) on paper, photographed."""
    pw, ph = 560, int(560 * rng.choice([0.71, 1.41, 0.77]))
    paper = Image.new("RGB", (pw, ph), _jit(rng, (248, 246, 240), 6))
    d = ImageDraw.Draw(paper)
    cols = [(220, 30, 30), (30, 90, 220), (40, 170, 40), (250, 200, 0), (240, 120, 20), (140, 60, 180), (20, 20, 20),
            (120, 70, 30)]

    def wob(pts, col, wd):
        pts = [(x + rng.uniform(-3, 3), y + rng.uniform(-3, 3)) for x, y in pts]
        d.line(pts, fill=col, width=wd, joint="curve")
    wd = rng.randint(3, 6)
    if rng.random() < 0.8:   # sun
        sx, sy, sr = pw * rng.uniform(0.1, 0.9), ph * rng.uniform(0.08, 0.25), pw * rng.uniform(0.05, 0.09)
        d.ellipse([sx - sr, sy - sr, sx + sr, sy + sr], fill=(250, 210, 20))
        for k in range(10):
            a = 2 * math.pi * k / 10
            wob([(sx + math.cos(a) * sr * 1.2, sy + math.sin(a) * sr * 1.2),
                 (sx + math.cos(a) * sr * 1.8, sy + math.sin(a) * sr * 1.8)], (250, 190, 0), wd)
    gy = ph * rng.uniform(0.75, 0.88)
    wob([(x, gy + rng.uniform(-6, 6)) for x in np.linspace(0, pw, 12)], (40, 170, 40), wd + 2)
    for x in np.linspace(0, pw, 40):   # scribbled grass
        wob([(x, gy), (x + rng.uniform(-6, 6), gy - rng.uniform(8, 20))], (40, 170, 40), 2)
    if rng.random() < 0.7:   # house
        hx, hw_ = pw * rng.uniform(0.1, 0.5), pw * rng.uniform(0.25, 0.4)
        hh = hw_ * 0.8
        c = rng.choice(cols)
        wob([(hx, gy), (hx, gy - hh), (hx + hw_, gy - hh), (hx + hw_, gy), (hx, gy)], c, wd)
        wob([(hx - 10, gy - hh), (hx + hw_ / 2, gy - hh * 1.7), (hx + hw_ + 10, gy - hh)], rng.choice(cols), wd)
        wob([(hx + hw_ * 0.4, gy), (hx + hw_ * 0.4, gy - hh * 0.45), (hx + hw_ * 0.6, gy - hh * 0.45),
             (hx + hw_ * 0.6, gy)], rng.choice(cols), wd)
    for _ in range(rng.randint(1, 3)):   # stick figures
        fx, fs = pw * rng.uniform(0.5, 0.9), ph * rng.uniform(0.1, 0.18)
        c = rng.choice(cols)
        d.ellipse([fx - fs * 0.2, gy - fs * 1.4, fx + fs * 0.2, gy - fs], outline=c, width=wd)
        wob([(fx, gy - fs), (fx, gy - fs * 0.4)], c, wd)
        wob([(fx - fs * 0.3, gy), (fx, gy - fs * 0.4), (fx + fs * 0.3, gy)], c, wd)
        wob([(fx - fs * 0.35, gy - fs * 0.85), (fx + fs * 0.35, gy - fs * 0.85)], c, wd)
    if rng.random() < 0.6:   # tree
        tx = pw * rng.uniform(0.05, 0.95)
        d.rectangle([tx - 10, gy - ph * 0.2, tx + 10, gy], fill=(120, 70, 30))
        r = pw * 0.1
        d.ellipse([tx - r, gy - ph * 0.2 - r * 1.6, tx + r, gy - ph * 0.2 + r * 0.3], fill=(40, 150, 40))
    paper = paper.filter(ImageFilter.SMOOTH)
    obj = paper.convert("RGBA")
    W, H = _out_size(rng, portrait=0.5)
    img, _ = _shoot(obj, rng.choice(["wood", "desk", "counter", "carpet", "linoleum"]), rng, g, (W, H),
                    ws=(0.7, 1.0), fill=(0.7, 1.0), rot=15, persp=0.12, crop=0.05, effects=rng.uniform(0.4, 0.9),
                    lift=0.2, shadow=0.25)
    return img, {}


def _scene_aquarium(rng, g):
    """Fish in a tank: blue-green water, plants, gravel and bubbles."""
    W, H = _out_size(rng, portrait=0.3, aspects=(4 / 3, 3 / 2, 16 / 9))
    w, h = 480, int(480 * H / W)
    water = np.array(_jit(rng, rng.choice([(40, 110, 140), (30, 90, 110), (60, 140, 150), (20, 60, 90)]), 15),
                     np.float32) / 255
    yy, xx = _grid(h, w)
    caust = _fractal(g, h, w, max(w, h) / 8, 3)
    img = water[None, None, :] * (1.15 - 0.5 * (yy / h)[..., None]) * (0.9 + 0.2 * caust[..., None])
    im = _arr_img(np.clip(img, 0, 1))
    d = ImageDraw.Draw(im)
    gy = h * rng.uniform(0.78, 0.9)
    for _ in range(500):   # gravel
        x, y, r = rng.uniform(0, w), rng.uniform(gy, h), rng.uniform(2, 5)
        d.ellipse([x - r, y - r * 0.7, x + r, y + r * 0.7], fill=_jit(rng, rng.choice([(180, 160, 120), (90, 80, 70),
                                                                                       (220, 210, 190)]), 20))
    for _ in range(rng.randint(3, 8)):   # plants
        px = rng.uniform(0, w)
        c = _jit(rng, (50, 140, 60), 25)
        for _k in range(rng.randint(3, 6)):
            pts = [(px, gy)]
            for s in range(6):
                pts.append((pts[-1][0] + rng.uniform(-10, 10), pts[-1][1] - h * rng.uniform(0.05, 0.1)))
            d.line(pts, fill=c, width=rng.randint(3, 7), joint="curve")
    for _ in range(rng.randint(2, 7)):   # fish
        fx, fy, fl = rng.uniform(0.1, 0.9) * w, rng.uniform(0.15, 0.7) * h, rng.uniform(0.06, 0.14) * w
        c = _jit(rng, rng.choice([(250, 130, 20), (240, 220, 40), (230, 60, 60), (60, 120, 240), (240, 240, 240)]), 15)
        s = rng.choice([-1, 1])
        d.ellipse([fx - fl / 2, fy - fl * 0.22, fx + fl / 2, fy + fl * 0.22], fill=c)
        d.polygon([(fx - s * fl * 0.45, fy), (fx - s * fl * 0.8, fy - fl * 0.25), (fx - s * fl * 0.8, fy + fl * 0.25)],
                  fill=_scale(c, 0.85))
        if rng.random() < 0.5:
            d.line([(fx - fl * 0.1, fy - fl * 0.2), (fx - fl * 0.1, fy + fl * 0.2)], fill=(255, 255, 255), width=3)
        ex = fx + s * fl * 0.3
        d.ellipse([ex - 2.5, fy - fl * 0.06 - 2.5, ex + 2.5, fy - fl * 0.06 + 2.5], fill=(10, 10, 10))
    for _ in range(rng.randint(5, 25)):   # bubbles
        bx, by, r = rng.uniform(0, w), rng.uniform(0, gy), rng.uniform(1.5, 4)
        d.ellipse([bx - r, by - r, bx + r, by + r], outline=(220, 240, 250), width=1)
    im = im.filter(ImageFilter.GaussianBlur(0.8)).resize((W, H), Image.Resampling.BILINEAR)
    return photo_effects(im, rng, strength=rng.uniform(0.3, 0.8)), {}


# ============================================================================================ public API
def _fit_size(img: Image.Image) -> Image.Image:
    img = img.convert("RGB")
    L = max(img.size)
    if L > OUT_MAX or L < OUT_MIN:
        k = min(OUT_MAX, max(OUT_MIN, L)) / L
        img = img.resize((max(1, round(img.width * k)), max(1, round(img.height * k))), Image.Resampling.BILINEAR)
    return img


def render_image(kind: str, rng: random.Random, held_out: bool = False,
                 product_types: list[str] | None = None) -> tuple[Image.Image, dict]:
    """An RGB photo-like image of `kind` and its metadata:
    {"kind", "layout", "product", "printed", ...}; "printed" holds the text drawn on it that OCR should find
    (receipt: amount, currency, date, merchant; parcel: order, tracking, name, city; error_screen: error_code,
    title). held_out=True draws only from the test layouts and product types, never produced otherwise.
    product_types (products only) draws from those types instead of the split's, e.g. GADGET_TYPES."""
    if kind not in LAYOUTS:
        raise ValueError(f"unknown image kind {kind!r}; expected one of {KINDS}")
    if product_types and (held_out or set(product_types) & set(PRODUCT_TYPES["test"])):
        raise ValueError("the test split's product types are drawn only for the test split")
    split = "test" if held_out else "train"
    layout = rng.choice(LAYOUTS[kind][split])
    g = _g(rng)
    if kind == "receipt":
        img, meta = _render_receipt(layout, rng, g, split)
    elif kind == "error_screen":
        img, meta = _render_error(layout, rng, g, split)
    elif kind in ("product", "damaged_product"):
        img, meta = _render_product(kind, layout, rng, g, split, product_types)
    elif kind == "parcel":
        img, meta = _render_parcel(layout, rng, g, split)
    else:
        img, meta = _render_other(layout, rng, g, split)
    out = {"kind": kind, "layout": layout, "product": None, "printed": {}}
    out.update(meta)
    out["layout"] = layout
    out["split"] = split
    return _fit_size(img), out
