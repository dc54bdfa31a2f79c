"""(Re)create the example conversations shown in the app: `python -m mmdemo.examples [--out assets/examples]`.

Photos come from the project's renderer (mmdemo.data.images) and voice messages from espeak-ng, both fixed by
seeds, so the files are the same on every run. Writes the media and `examples.json`:

    [{"name": ..., "description": ...,
      "turns": [{"text": ..., "image": "file.jpg" | null, "audio": "file.wav" | null}, ...]}, ...]

(paths relative to the examples folder). `--search` looks for new seeds whose pictures OCR reads back correctly
(the order number on a label, the total on a receipt, the code on an error screen) and prints them.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "assets" / "examples"
MAX_SIDE = 800
JPEG_QUALITY = 85
MAX_TOTAL_BYTES = 2 * 1024 * 1024
SAMPLE_RATE = 16000

# Pictures: file -> (image kind, seed string for render_image, layout it should have or None).
# The seeds were picked with --search (OCR reads the key field back from the saved JPEG) and by eye.
IMAGES: dict[str, tuple[str, str, str | None]] = {
    "receipt.jpg": ("receipt", "examples/receipt/17", "till_receipt"),            # TechHub, £129.73, 2025-02-18
    "error_screen.jpg": ("error_screen", "examples/error_screen/9", "blue_screen"),  # INACCESSIBLE_BOOT_DEVICE
    "damaged_product.jpg": ("damaged_product", "examples/damaged_product/3", None),  # shattered mug
    "product.jpg": ("product", "examples/product/1", None),                      # intact headphones
    "parcel_label.jpg": ("parcel", "examples/parcel/6", "label_closeup"),         # Order: A-48066
    "unrelated.jpg": ("other", "examples/other/4", None),                        # a landscape
    "damaged_product_2.jpg": ("damaged_product", "examples/damaged_product/4", None),  # laptop, cracked screen
}
# What OCR reads off the saved example pictures (checked by tests/test_ocr.py; update after a new --search).
EXPECTED_OCR: dict[str, dict[str, str]] = {
    "receipt.jpg": {"amount": "129.73", "currency": "£", "date": "2025-02-18"},
    "parcel_label.jpg": {"order": "A-48066"},
    "error_screen.jpg": {"error_code": "INACCESSIBLE_BOOT_DEVICE"},
}
# Voice messages: file -> (what is said, espeak-ng voice, words per minute).
VOICES: dict[str, tuple[str, str, int]] = {
    "voice_cancel.wav": ("Hi, I'd like to cancel my order, please.", "en-gb+m3", 150),
    "voice_arrived.wav": ("Hello. This is what arrived this morning.", "en-us+f2", 145),
}

EXAMPLES: list[dict] = [
    {"name": "receipt_double_charge", "description": "A receipt photo and 'I was charged twice': OCR reads the "
     "amount and date off the receipt and the reply quotes them.",
     "turns": [{"text": "I was charged twice for this", "image": "receipt.jpg", "audio": None}]},
    {"name": "error_screen_only", "description": "Just a photo of an error screen, no words (rule R1): the image "
     "alone says technical support; OCR reads the error code.",
     "turns": [{"text": "", "image": "error_screen.jpg", "audio": None}]},
    {"name": "damaged_arrival", "description": "'This is what arrived' with a broken product (rule R3): damaged "
     "item, then the agent asks for the order number.",
     "turns": [{"text": "this is what arrived", "image": "damaged_product.jpg", "audio": None},
               {"text": "It's A-20931", "image": None, "audio": None}]},
    {"name": "wrong_item_arrival", "description": "'This is what I got' with an intact product (rule R3): the "
     "same words as the damaged case, but the photo makes it a wrong item.",
     "turns": [{"text": "this is what I got", "image": "product.jpg", "audio": None}]},
    {"name": "parcel_label", "description": "A parcel label photo with no text (rule R1): order status, and OCR "
     "reads the order number printed on the label.",
     "turns": [{"text": "", "image": "parcel_label.jpg", "audio": None}]},
    {"name": "unrelated_photo", "description": "A photo that has nothing to do with shopping: a polite note on "
     "what the assistant can help with.",
     "turns": [{"text": "", "image": "unrelated.jpg", "audio": None}]},
    {"name": "voice_cancel", "description": "A voice message (speech recognition, then the models): cancel an "
     "order; the agent asks which one.",
     "turns": [{"text": "", "image": None, "audio": "voice_cancel.wav"},
               {"text": "BX77120", "image": None, "audio": None}]},
    {"name": "voice_and_photo", "description": "A voice message with a photo: 'this is what arrived' spoken, "
     "a broken product shown.",
     "turns": [{"text": "", "image": "damaged_product_2.jpg", "audio": "voice_arrived.wav"}]},
    {"name": "order_enquiry_multi_turn", "description": "Where is my order? The agent asks for the order number, "
     "remembers it, and uses it again for the invoice.",
     "turns": [{"text": "Hi, where is my order?", "image": None, "audio": None},
               {"text": "it's A-20931", "image": None, "audio": None},
               {"text": "Can I also get an invoice for it?", "image": None, "audio": None},
               {"text": "Thanks, bye!", "image": None, "audio": None}]},
    {"name": "change_address", "description": "A new delivery address and the order number in one message: "
     "both are picked out and echoed back (safely).",
     "turns": [{"text": "Please send order #88412 to 14 Mill Lane, York YO1 7HH instead", "image": None,
                "audio": None}]},
    {"name": "frustrated_customer", "description": "An angry customer: the tone head says frustrated, so a "
     "person takes over (with a reference), and the short answer still comes along.",
     "turns": [{"text": "This is the THIRD time I'm asking. My parcel still hasn't arrived and nobody "
                        "replies. Absolutely unacceptable!", "image": None, "audio": None}]},
    {"name": "chinese_message", "description": "A message in Chinese: the models read English only, so the "
     "agent says so politely instead of guessing an intent.",
     "turns": [{"text": "你好，我的订单在哪里？", "image": None, "audio": None}]},
]


# ----------------------------------------------------------------------------------------------- media
def _render(kind: str, seed: str) -> tuple["Image.Image", dict]:  # noqa: F821 - PIL imported lazily
    from mmdemo.data.images import render_image
    img, meta = render_image(kind, random.Random(seed), held_out=False)
    img = img.convert("RGB")
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    return img, meta


def _save_jpeg(img, path: Path) -> None:
    img.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)


def _ocr_ok(path: Path, kind: str, meta: dict) -> bool:
    """Does OCR read the key detail back from the saved file?"""
    from PIL import Image
    from mmdemo.ocr import read_fields
    printed = meta.get("printed") or {}
    fields = read_fields(Image.open(path).convert("RGB"), kind, timeout_s=10)
    if kind == "parcel":
        return bool(printed.get("order")) and fields.get("order") == printed["order"].lstrip("#").upper()
    if kind == "receipt":
        return fields.get("amount") == printed.get("amount") and "date" in fields
    if kind == "error_screen":
        return bool(fields.get("error_code"))
    return True


def speak(text: str, voice: str, wpm: int, path: Path) -> None:
    """espeak-ng -> 16 kHz mono 16-bit WAV (sox does the resampling), trimmed to 0.2 s of silence each side."""
    if not shutil.which("espeak-ng"):
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(raw), text], check=True,
                       capture_output=True)
        if shutil.which("sox"):
            subprocess.run(["sox", "-R", "-D", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(path),
                            "silence", "1", "0.05", "0.5%", "reverse", "silence", "1", "0.05", "0.5%", "reverse",
                            "pad", "0.2", "0.3"], check=True, capture_output=True)
        else:  # resample with numpy
            import soundfile as sf
            wave, sr = sf.read(raw, dtype="float32")
            t_new = np.arange(int(len(wave) * SAMPLE_RATE / sr)) / SAMPLE_RATE
            wave = np.interp(t_new, np.arange(len(wave)) / sr, wave).astype(np.float32)
            sf.write(path, wave, SAMPLE_RATE, subtype="PCM_16")


def generate(out: Path = DEFAULT_OUT, check_ocr: bool = True) -> list[dict]:
    """Write every example file and examples.json into `out`; returns the example list."""
    out.mkdir(parents=True, exist_ok=True)
    for name, (kind, seed, layout) in IMAGES.items():
        img, meta = _render(kind, seed)
        if layout and meta.get("layout") != layout:
            print(f"warning: {name} has layout {meta.get('layout')!r}, expected {layout!r}", file=sys.stderr)
        _save_jpeg(img, out / name)
        if check_ocr and kind in ("parcel", "receipt", "error_screen") and not _ocr_ok(out / name, kind, meta):
            print(f"warning: OCR does not read {name} back; run with --search for a better seed", file=sys.stderr)
        print(f"{name}: {kind} {meta.get('layout')} {img.size} printed={meta.get('printed')}")
    for name, (text, voice, wpm) in VOICES.items():
        speak(text, voice, wpm, out / name)
        print(f"{name}: {text!r} ({voice})")
    for ex in EXAMPLES:
        for turn in ex["turns"]:
            for key in ("image", "audio"):
                if turn[key] and not (out / turn[key]).exists():
                    raise FileNotFoundError(f"{ex['name']}: {turn[key]} was not generated")
    (out / "examples.json").write_text(json.dumps(EXAMPLES, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    total = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    print(f"{len(EXAMPLES)} examples, {total / 1024:.0f} KB in {out}")
    if total > MAX_TOTAL_BYTES:
        raise RuntimeError(f"the examples take {total / 2**20:.2f} MB; keep them under 2 MB")
    return EXAMPLES


def search(kinds=("parcel", "receipt", "error_screen"), tries: int = 40) -> dict[str, str]:
    """Find, per kind, the first seed whose picture has the wanted layout and reads back through OCR."""
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (kind, _, layout) in IMAGES.items():
            if kind not in kinds:
                continue
            for i in range(tries):
                seed = f"examples/{kind}/{i}"
                img, meta = _render(kind, seed)
                if layout and meta.get("layout") != layout:
                    continue
                path = Path(tmp) / name
                _save_jpeg(img, path)
                if _ocr_ok(path, kind, meta):
                    found[name] = seed
                    print(f"{name}: {seed!r} {meta.get('layout')} printed={meta.get('printed')}")
                    break
            else:
                print(f"{name}: nothing found in {tries} tries")
    return found


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--search", action="store_true", help="look for seeds whose pictures OCR reads back")
    ap.add_argument("--no-ocr-check", action="store_true", help="skip reading the text pictures back")
    args = ap.parse_args(argv)
    if args.search:
        search()
        return
    generate(args.out, check_ocr=not args.no_ocr_check)


if __name__ == "__main__":
    main()
