"""Build the train/val/test splits: `python -m mmdemo.data build [--out data] [--seed 0] [--scale 1.0]`.

Every sample is generated from its own seeded RNG (seed, split, index), so a build is reproducible and can
run in parallel. The test split is held out in wording (sentence skeletons), product names, image layouts and
TTS engine (flite instead of espeak-ng), so its score measures generalisation rather than memory.
Each voice clip is transcribed once here with the app's ASR; training uses those transcripts.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..schema import IMAGE_KINDS, INTENTS, R1_INTENT_FROM_IMAGE, R3_INTENT_FROM_IMAGE
from . import images as image_gen
from . import speech, texts
from .manifest import write_manifest

DEFAULT_SIZES = {"train": 16000, "val": 600, "test": 1000}
# train was 4,000 until 2026-11-30, then 8,000, then 16,000; the same seed gives the same first rows (up to ASR
# transcripts), and each doubling's fusion models scored higher (docs/experiments.md, "8,000 training samples" and
# "16,000").
# The shipped text adapter was trained on the first 4,000 (adapt_text --train-samples).
# Extra training photos, by kind, written beside the training split as photos.jsonl: valid photo-only (R1)
# rows, which training uses as a bank to swap photos of the same kind into the samples (mmdemo.train.swap_image).
# About 8,000 photos come with the 16,000 samples; damage on unseen product types is the hardest call, hence the weights.
PHOTO_BANK = {"product": 1500, "damaged_product": 1500, "error_screen": 750, "receipt": 500, "parcel": 500, "other": 750}
# ... plus procedurally drawn gadgets (images.GADGET_TYPES: random bodies with random buttons, knobs, sockets and
# seams; no product in particular), intact and damaged. An unseen product type's ordinary details were read as
# damage (intact game controllers and kettles); gadgets show many intact objects with such details.
GADGET_BANK = {"product": 600, "damaged_product": 600}
# share of each modality mix (and, for image mixes, which rule produced the label)
MIX_WEIGHTS = {
    "text": 0.24,
    "text+image:explicit": 0.12, "text+image:R1": 0.10, "text+image:R3": 0.08,
    "image:R1": 0.06,
    "audio": 0.16,
    "image+audio:explicit": 0.05, "image+audio:R1": 0.05, "image+audio:R3": 0.04,
    "text+audio": 0.10,
}
FRUSTRATED_SHARE = 0.25
# When the text states its intent, the image is often one that fits it (and sometimes one that doesn't).
IMAGE_THAT_FITS = {
    "payment_issue": "receipt", "invoice_request": "receipt", "technical_support": "error_screen",
    "account_access": "error_screen", "damaged_item": "damaged_product", "return_refund": "product",
    "wrong_item": "product", "product_question": "product", "order_status": "parcel", "cancel_order": "parcel",
    "change_address": "parcel", "out_of_scope": "other",
}


def plan_sample(split: str, index: int, seed: int) -> dict:
    """Decide everything about one sample (labels, texts, which image/voice) from its own RNG."""
    rng = random.Random(f"{seed}/{split}/{index}")
    held_out = split == "test"
    mix_rule = rng.choices(list(MIX_WEIGHTS), weights=list(MIX_WEIGHTS.values()))[0]
    mix, _, rule = mix_rule.partition(":")
    has_image, has_audio = "image" in mix, "audio" in mix
    has_text = "text" in mix
    tone = "frustrated" if rng.random() < FRUSTRATED_SHARE else "calm"
    if mix == "image":  # a photo alone says nothing about tone: label it calm rather than with noise
        tone = "calm"
    kind = None
    if rule == "R1":
        kind = rng.choice(IMAGE_KINDS)
        intent = R1_INTENT_FROM_IMAGE[kind]
    elif rule == "R3":
        kind = rng.choice(sorted(R3_INTENT_FROM_IMAGE))
        intent = R3_INTENT_FROM_IMAGE[kind]
    else:
        intent = rng.choice(INTENTS)
        if intent == "greeting":
            tone = "calm"
        if has_image:
            fits = IMAGE_THAT_FITS.get(intent)
            kind = fits if (fits and rng.random() < 0.6) else rng.choice(IMAGE_KINDS)
        rule = "voice" if mix == "audio" else "explicit"

    def words(style: str) -> str:
        if rule == "R1":
            return texts.pointer_text(rng, held_out, tone, style)
        if rule == "R3":
            return texts.arrival_text(rng, held_out, tone, style)
        return texts.make_text(intent, rng, held_out, tone, style)[0]

    typed, spoken = "", None
    if has_audio:
        spoken = words("spoken")
        if has_text:  # typed text beside a voice note: a pointer to it, or the request in short
            typed = (texts.pointer_text(rng, held_out, tone, "typed") if rng.random() < 0.5
                     else texts.make_text(intent, rng, held_out, tone, "typed")[0])
    elif has_text:
        typed = words("typed")
    return {"id": f"{split}-{index:05d}", "split": split, "text": typed, "spoken": spoken, "intent": intent,
            "image_kind": kind if has_image else "none", "tone": tone, "rule": rule, "mix": mix,
            "has_image": has_image, "has_audio": has_audio, "held_out": held_out,
            "rng_state": rng.getrandbits(64)}


def render_sample(args: tuple[dict, str]) -> dict:
    """Render the image and speak the voice of one planned sample into `out_dir` (runs in a worker)."""
    plan, out_dir = args
    out = Path(out_dir)
    row = {k: plan[k] for k in ("id", "text", "intent", "image_kind", "tone", "rule", "mix")}
    row["image"] = row["audio"] = None
    if plan["has_image"]:
        row.update(render_image_of(plan, out))
    if plan["has_audio"]:
        rng = random.Random(f"{plan['rng_state']}/voice")
        wave, meta = speech.synthesize(plan["spoken"], rng, plan["held_out"], plan["tone"])
        rel = f"audio/{plan['id']}.wav"
        import soundfile as sf
        sf.write(out / rel, wave, speech.SAMPLE_RATE, subtype="PCM_16")
        row["audio"], row["spoken"], row["tts"] = rel, plan["spoken"], meta
    return row


def render_image_of(plan: dict, out: Path) -> dict:
    """Render one sample's image from its own RNG stream (separate from the voice's, so images can be
    re-rendered with `--images-only` while the voices and their transcripts stay exactly as built)."""
    rng = random.Random(f"{plan['rng_state']}/image")
    img, meta = image_gen.render_image(plan["image_kind"], rng, plan["held_out"])
    rel = f"images/{plan['id']}.jpg"
    img.save(out / rel, quality=rng.randint(55, 95))
    return {"image": rel, "image_meta": meta}


def render_bank_photo(args: tuple[str, str, int, int, str]) -> dict:
    """One training-bank photo of `kind` from `family` ("photo": the split's product types, "gadget":
    GADGET_TYPES), from its own RNG (seed, family, kind, index), as a photo-only R1 row."""
    family, kind, index, seed, out_dir = args
    if family == "photo":   # the bank's first section keeps its original RNG streams and names
        rng, types, name = random.Random(f"{seed}/photos/{kind}/{index}"), None, f"{kind}-{index:05d}"
    else:
        rng, types, name = (random.Random(f"{seed}/gadgets/{kind}/{index}"), image_gen.GADGET_TYPES,
                            f"gadget-{kind}-{index:05d}")
    img, meta = image_gen.render_image(kind, rng, held_out=False, product_types=types)
    rel = f"photos/{name}.jpg"
    img.save(Path(out_dir) / rel, quality=rng.randint(55, 95))
    return {"id": f"photo-{name}", "text": "", "image": rel, "audio": None,
            "intent": R1_INTENT_FROM_IMAGE[kind], "image_kind": kind, "tone": "calm", "rule": "R1", "mix": "image",
            "image_meta": meta}


def build_photo_bank(out: Path, scale: float, seed: int, workers: int) -> Path:
    """Render the training photo bank (PHOTO_BANK and GADGET_BANK x scale) into out/photos/ and
    out/photos.jsonl."""
    (out / "photos").mkdir(parents=True, exist_ok=True)
    jobs = [(family, kind, i, seed, str(out)) for family, sizes in (("photo", PHOTO_BANK), ("gadget", GADGET_BANK))
            for kind, n in sizes.items() for i in range(max(2, round(n * scale)))]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        rows = list(tqdm(pool.map(render_bank_photo, jobs, chunksize=16), total=len(jobs), desc=f"{out.name}: photos"))
    path = out / "photos.jsonl"
    write_manifest(path, rows)
    return path


def _rerender_image(args: tuple[dict, str]) -> dict:
    plan, out_dir = args
    return render_image_of(plan, Path(out_dir))


_WORKER_ASR = None


def _transcribe(path: str) -> str:
    global _WORKER_ASR
    if _WORKER_ASR is None:
        from ..asr import FasterWhisperASR
        _WORKER_ASR = FasterWhisperASR(cpu_threads=1)
    from ..media import load_audio
    return _WORKER_ASR.transcribe(load_audio(path))


def build_split(split: str, n: int, out_root: Path, seed: int, workers: int, asr: str,
                images_only: bool = False) -> Path:
    out = out_root / split
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "audio").mkdir(parents=True, exist_ok=True)
    plans = [plan_sample(split, i, seed) for i in range(n)]
    jobs = [(p, str(out)) for p in plans]
    if images_only:
        return rerender_images(out, plans, jobs, workers)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        rows = list(tqdm(pool.map(render_sample, jobs, chunksize=8), total=n, desc=f"{split}: render"))
    voiced = [r for r in rows if r["audio"]]
    if asr == "faster-whisper" and voiced:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            transcripts = list(tqdm(pool.map(_transcribe, [str(out / r["audio"]) for r in voiced]),
                                    total=len(voiced), desc=f"{split}: ASR"))
    else:  # --asr none: the source text stands in for a transcript (quick builds for tests only)
        transcripts = [r["spoken"] for r in voiced]
    for r, t in zip(voiced, transcripts):
        r["transcript"] = t
    path = out / "manifest.jsonl"
    write_manifest(path, rows)
    return path


def rerender_images(out: Path, plans: list[dict], jobs: list, workers: int) -> Path:
    """Redraw every image of an existing build of the same seed and size; voices and transcripts are kept."""
    path = out / "manifest.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    if [r["id"] for r in rows] != [p["id"] for p in plans] or any(
            r["text"] != p["text"] or r.get("spoken") != (p["spoken"] if p["has_audio"] else None)
            for r, p in zip(rows, plans)):
        raise SystemExit(f"--images-only needs a full build of the same seed and size in {out}")
    todo = [job for job in jobs if job[0]["has_image"]]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        drawn = list(tqdm(pool.map(_rerender_image, todo, chunksize=8), total=len(todo),
                          desc=f"{out.name}: re-render images"))
    by_id = {job[0]["id"]: d for job, d in zip(todo, drawn)}
    for r in rows:
        r.update(by_id.get(r["id"], {}))
    write_manifest(path, rows)
    return path


def summarize(path: Path) -> dict:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    count = lambda key: {k: sum(1 for r in rows if r.get(key) == k) for k in sorted({r.get(key) for r in rows})}
    return {"n": len(rows), "mix": count("mix"), "rule": count("rule"), "tone": count("tone"),
            "intent": count("intent"), "image_kind": count("image_kind")}


def split_sizes(scale: float = 1.0, overrides: str = "") -> dict[str, int]:
    """Samples per split: DEFAULT_SIZES x scale (at least 8), then any "split=N" in `overrides` as given."""
    sizes = {split: max(8, int(round(n * scale))) for split, n in DEFAULT_SIZES.items()}
    for part in filter(None, (p.strip() for p in overrides.split(","))):
        split, _, n = part.partition("=")
        if split not in sizes or not n.isdigit() or int(n) < 1:
            raise ValueError(f"--sizes: expected split=N with split in {sorted(sizes)}, got {part!r}")
        sizes[split] = int(n)
    return sizes


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m mmdemo.data", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build train/val/test splits")
    b.add_argument("--out", default="data", type=Path)
    b.add_argument("--seed", default=0, type=int)
    b.add_argument("--scale", default=1.0, type=float, help="multiply the default split sizes (e.g. 0.01 for a tiny build)")
    b.add_argument("--sizes", default="",
                   help='exact split sizes that override the scaled defaults, e.g. "train=160,val=8" (the tests\' '
                        'tiny build uses this, so that it does not grow when DEFAULT_SIZES does)')
    b.add_argument("--splits", default="train,val,test")
    b.add_argument("--workers", default=2, type=int)
    b.add_argument("--asr", default="faster-whisper", choices=["faster-whisper", "none"])
    b.add_argument("--images-only", action="store_true",
                   help="re-render the images of an existing build (same seed and size); keep voices and transcripts")
    b.add_argument("--photos-only", action="store_true",
                   help="(re)render only the training photo bank (train/photos.jsonl) of an existing build")
    args = ap.parse_args(argv)
    t0 = time.time()
    summary = {}
    if args.photos_only:
        path = build_photo_bank(args.out / "train", args.scale, args.seed, args.workers)
        print(f"photo bank -> {path} ({time.time() - t0:.0f} s)")
        return
    sizes = split_sizes(args.scale, args.sizes)
    for split in args.splits.split(","):
        n = sizes[split]
        path = build_split(split, n, args.out, args.seed, args.workers, args.asr, args.images_only)
        summary[split] = summarize(path)
        print(f"{split}: {n} samples -> {path}")
        if split == "train":
            bank = build_photo_bank(path.parent, args.scale, args.seed, args.workers)
            summary["train_photo_bank"] = summarize(bank)["image_kind"]
    summary["seconds"] = round(time.time() - t0, 1)
    summary["images_only"] = args.images_only
    summary["skeletons_per_intent"] = texts.skeleton_counts()
    (args.out / "build_summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v["mix"] if isinstance(v, dict) and "mix" in v else v for k, v in summary.items()}, indent=1))
