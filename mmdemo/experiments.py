"""What pretraining buys, measured: the label-efficiency experiment, and the Training tab's live subset.

    python -m mmdemo.experiments label-efficiency   # pretrain once, then fine-tune the attention model on 1/5/20/100 %
    python -m mmdemo.experiments live-subset        # rebuild assets/training/live_subset.pt from the checkpoints
    python -m mmdemo.experiments damage-transfer    # does "intact vs damaged" carry to a product type never seen?
    python -m mmdemo.experiments damage-probe       # the same question for image encoders (plain vs fine-tuned tops)
    python -m mmdemo.experiments ceilings           # how far would readable photos / perfect transcripts go?

label-efficiency compares, for the attention fusion on the test split: no pretraining vs the pretrained backbone
(mmdemo.pretrain), each fine-tuned with train.py's own loop (train_one) on 1 %, 5 %, 20 % and 100 % of the
labelled training data, with frozen encoders and (by default at 5 % and 100 % only, to bound the CPU time) with
the top layers of MiniLM and EfficientNet fine-tuned too. Every run gets the same step budget; small subsets
are repeated to fill "virtual epochs" so that validation (early stopping) happens every few steps and not after
each one. Test accuracy comes from the cached test features (the build's ASR transcripts; no ASR re-run). It
prints a table and writes JSON with every run's learning curves; the caps are recorded in that JSON.

live-subset stores, for the committed checkpoints, what each model's task heads read (the fused joint vector;
for late fusion the pooled per-modality vectors), for a few hundred training and validation samples. The
Training tab's "train a little live" control fine-tunes the heads on them, so it runs on a fresh clone without
the data build. Each entry carries the checkpoint's fingerprint; a retrained checkpoint needs a rebuild.

damage-transfer asks the question behind the largest test-split error (intact vs damaged on held-out product
types): a linear probe on the frozen, mean-pooled image features of the training photo bank is trained on
"intact vs damaged" for k of the training product types and scored on one type it never saw, for every type
and several random choices of the k.

damage-probe scores image encoders on that question with fresh renders: photos of intact and damaged products of
the training types (training layouts) and of the test split's held-out types (its layouts), drawn by the data
builder's own renderer from their own seeds, outside the build. A linear probe on each encoder's mean-pooled patch
tokens learns "intact vs damaged" on the training types and is scored on the held-out ones (three probe seeds):
accuracy, and the AUC, which does not depend on where the probe's threshold falls for types it never saw.
It compares the plain ImageNet encoder with fine-tuned tops (mmdemo.adapt_image) in minutes instead of a full
retraining; it reads the held-out types' distribution, so use it to compare encoders, not to tune one.

ceilings asks where the accuracy a strategy loses on a manifest (the test split) goes, by removing one cause at a
time and running exactly the evaluator's pipeline again: "photos" replaces every photo with a training-bank photo
of the same kind (the split's own product types and layouts, no gadgets), so every label stays true and only the
unfamiliarity of the photo is gone; "typed" replaces every voice clip with the words that were spoken, typed
after the row's text, so the ASR's mistakes are gone (and with them what the audio branch adds: tone, mostly);
"both" does both. Upper bounds of what a better image top or a better ASR could give, not results of a model.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import random
import time
from argparse import Namespace
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from .features import build_feature_cache
from .fusion import masked_mean
from .model import MultimodalModel
from .schema import IMAGE_KINDS, INTENTS

ROOT = Path(__file__).resolve().parent.parent
TRAINING_ASSETS = ROOT / "assets" / "training"
LIVE_SUBSET = TRAINING_ASSETS / "live_subset.pt"
RESULT_NAME = "label_efficiency.json"
PRETRAINING_LOG_ASSET = "pretraining_log.json"
FUSION_NAMES = ("early", "late", "cross_attention", "attention")


# ------------------------------------------------------------------------------------------- helpers
def subset(items: list[dict], fraction: float, seed: int) -> list[int]:
    """Indices of the labelled subset: seeded, so every init and encoder setting at one fraction sees the same
    labelled samples."""
    n = max(1, int(len(items) * fraction))
    return sorted(random.Random(seed).sample(range(len(items)), n)) if fraction < 1.0 else list(range(len(items)))


def repeat_to(items: list[dict], min_len: int) -> list[dict]:
    """Repeat a small labelled set so one epoch has at least min_len samples (a "virtual epoch"): validation
    then runs every few steps rather than after every single step. Augmentation differs between copies."""
    return items * max(1, math.ceil(min_len / max(1, len(items))))


def macro_f1(pred: list[int], gold: list[int], n_classes: int = len(INTENTS)) -> float:
    scores = []
    for c in range(n_classes):
        tp = sum(p == c and g == c for p, g in zip(pred, gold))
        fp = sum(p == c and g != c for p, g in zip(pred, gold))
        fn = sum(p != c and g == c for p, g in zip(pred, gold))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def evaluate_run(model, items: list[dict]) -> dict[str, float]:
    from .train import predict_logits

    logits = predict_logits(model, items)
    gold = [it["intent"] for it in items]
    pred = logits["intent"].argmax(-1).tolist()
    return {"test_accuracy": round(float(np.mean([p == g for p, g in zip(pred, gold)])), 4),
            "test_macro_f1": round(macro_f1(pred, gold), 4),
            "test_image_kind_accuracy": round(float((logits["image_kind"].argmax(-1) == torch.tensor(
                [it["image_kind"] for it in items])).float().mean()), 4)}


def thin(points: list, limit: int = 200) -> list:
    """At most `limit` points of a curve (always keeping the last)."""
    if len(points) <= limit:
        return points
    step = math.ceil(len(points) / limit)
    return points[::step] + ([points[-1]] if (len(points) - 1) % step else [])


# ------------------------------------------------------------------------------------------- experiment
def label_efficiency(args) -> dict:
    from accelerate import Accelerator

    from . import pretrain as pre
    from .train import train_one

    t_start = time.time()
    if args.threads:
        torch.set_num_threads(args.threads)
    accelerator = Accelerator(cpu=True)
    out = Path(args.out)
    manifests = {s: args.data / s / "manifest.jsonl" for s in ("train", "val", "test")}
    items = {s: build_feature_cache(m, cache_dir=args.cache_dir) for s, m in manifests.items()}
    val_idx = sorted(random.Random(args.seed).sample(range(len(items["val"])), min(args.val_samples, len(items["val"]))))

    # 1. pretraining on the unlabelled pool (the training split with its labels withheld)
    if args.pretrained:
        backbone = Path(args.pretrained)
        pre_log = json.loads((backbone / pre.LOG_NAME).read_text())
    else:
        pre_args = pre.parse_args(["--data", str(args.data), "--out", str(out / "pretrain"), "--cache-dir",
                                   str(args.cache_dir), "--max-steps", str(args.pretrain_steps), "--epochs", "1000",
                                   "--batch-size", str(args.batch_size), "--seed", str(args.seed),
                                   *(["--config", args.config] if args.config else [])])
        pool, val_pool, kinds = pre.load_pool(pre_args)
        pre_log = pre.pretrain(pool, val_pool, pre_args, accelerator, image_kinds=kinds)
        backbone = out / "pretrain" / "attention"
    t_pretrain = time.time() - t_start

    # 2. fine-tuning runs
    settings = [("frozen", 0, args.fractions)]
    if args.finetune_top:
        settings.append((f"top{args.finetune_top}", args.finetune_top, args.finetune_fractions))
    runs, base_tops = [], None
    for encoders, n_top, fractions in settings:
        if n_top:
            from .features import EncoderTops, FeatureExtractor, build_encoder_cache

            extractor = FeatureExtractor()
            data = {s: build_encoder_cache(m, n_top, args.cache_dir, extractor) for s, m in manifests.items()}
            base_tops = EncoderTops(n_top, extractor.text_encoder, extractor.image_encoder)
        else:
            data = items
        val = [data["val"][i] for i in val_idx]
        for fraction in fractions:
            labelled = [data["train"][i] for i in subset(data["train"], fraction, args.seed)]
            for init in ("none", "pretrained"):
                name = f"{init}-{encoders}-{fraction:g}"
                run_args = Namespace(epochs=args.max_epochs, max_steps=args.max_steps, batch_size=args.batch_size,
                                     lr=args.lr, weight_decay=0.01, patience=args.patience, seed=args.seed,
                                     init=backbone if init == "pretrained" else None,
                                     config_overrides=json.loads(args.config) if args.config else None,
                                     finetune_top=n_top, encoder_lr=args.encoder_lr,
                                     encoder_tops=copy.deepcopy(base_tops) if n_top else None)
                t0 = time.time()
                log = train_one("attention", repeat_to(labelled, args.epoch_samples), val, out / name, run_args,
                                accelerator)
                if n_top:
                    from .features import FinetunedModel

                    model = FinetunedModel.from_pretrained(out / name / "attention", tops=copy.deepcopy(base_tops))
                else:
                    model = MultimodalModel.from_pretrained(out / name / "attention")
                metrics = evaluate_run(model, data["test"])
                run = {"name": name, "init": init, "encoders": encoders, "fraction": fraction,
                       "labelled_samples": len(labelled), **metrics, "val_accuracy": log["val_accuracy"],
                       "best_epoch": log["best_epoch"], "steps_run": log["steps"][-1]["step"] if log["steps"] else 0,
                       "seconds": round(time.time() - t0, 1),
                       "loss_curve": thin([[s["step"], s["loss"]] for s in log["steps"]]),
                       "val_curve": [[e["step"], e["val_accuracy"]] for e in log["epochs"]]}
                runs.append(run)
                accelerator.print(f"[label-efficiency] {name}: test acc {run['test_accuracy']:.3f} "
                                  f"(val {run['val_accuracy']:.3f}, {run['steps_run']} steps, {run['seconds']:.0f}s, "
                                  f"{time.time() - t_start:.0f}s so far)")

    result = {
        "experiment": "label_efficiency", "fusion": "attention", "test_manifest": str(manifests["test"]),
        "test_samples": len(items["test"]), "train_samples": len(items["train"]),
        "protocol": {
            "metric": "intent accuracy on the test split, from cached test features (the build's ASR transcripts)",
            "pretraining": "MLM + image/voice-text matching + masked region modelling on the training split with "
                           "labels withheld (mmdemo.pretrain)",
            "pretrain_steps": pre_log.get("total_steps"), "batch_size": args.batch_size, "lr": args.lr,
            "fine_tune_max_steps": args.max_steps, "max_epochs": args.max_epochs, "patience": args.patience,
            "virtual_epoch_samples": args.epoch_samples, "val_samples": len(val_idx), "seed": args.seed,
            "fractions": args.fractions,
            "finetune_top": args.finetune_top, "finetune_fractions": args.finetune_fractions if args.finetune_top else [],
            "encoder_lr": args.encoder_lr,
            "notes": [
                "Every fine-tuning run is capped at fine_tune_max_steps optimiser steps (CPU budget); the shipped "
                "checkpoints train much longer, so 100 % here is not the shipped model's score.",
                "Subsets smaller than virtual_epoch_samples are repeated to fill an epoch; validation (early "
                "stopping, best checkpoint, temperature) runs on a fixed subset of val_samples validation samples.",
                "Fine-tuned top layers only at finetune_fractions, to bound CPU time; they run live over cached "
                "inputs of those layers (exact, see features.EncoderTops).",
                "One seed per cell: differences of a few points are within run-to-run noise.",
            ],
        },
        "pretraining": {"seconds": pre_log.get("seconds"), "steps": pre_log.get("total_steps"),
                        "final": pre_log["epochs"][-1] if pre_log.get("epochs") else None,
                        "initial": pre_log["epochs"][0] if pre_log.get("epochs") else None,
                        "hard_negative_same_kind_rate": pre_log.get("itm", {}).get("hard_negative_same_kind_rate"),
                        "backbone": str(backbone)},
        "runs": runs,
        "seconds": {"pretraining": round(t_pretrain, 1), "total": round(time.time() - t_start, 1)},
    }
    print_table(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1))
        (args.json.parent / PRETRAINING_LOG_ASSET).write_text(json.dumps(pre_log, indent=1))
        print(f"wrote {args.json} and {args.json.parent / PRETRAINING_LOG_ASSET}")
    return result


def table_rows(result: dict) -> tuple[list[str], list[list]]:
    """(header, rows): one row per (init, encoders), one column per labelled fraction (test accuracy)."""
    fractions = sorted({r["fraction"] for r in result["runs"]})
    header = ["pretraining", "encoders", *[f"{f:.0%}" for f in fractions]]
    rows = []
    for enc in dict.fromkeys(r["encoders"] for r in result["runs"]):
        for init in ("none", "pretrained"):
            cells = {r["fraction"]: r["test_accuracy"] for r in result["runs"] if r["encoders"] == enc and r["init"] == init}
            if cells:
                rows.append(["yes" if init == "pretrained" else "no", enc,
                             *[f"{cells[f]:.3f}" if f in cells else "-" for f in fractions]])
    return header, rows


def print_table(result: dict) -> None:
    header, rows = table_rows(result)
    print(f"\nattention fusion, test intent accuracy ({result['test_samples']} samples) by share of labelled "
          f"training data ({result['train_samples']} = 100 %)")
    widths = [12, 10, *[9] * (len(header) - 2)]
    print("".join(f"{h:<{w}}" if i < 2 else f"{h:>{w}}" for i, (h, w) in enumerate(zip(header, widths))))
    for row in rows:
        print("".join(f"{c:<{w}}" if i < 2 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(row, widths))))
    p = result["pretraining"]
    if p.get("final"):
        print(f"pretraining: {p['steps']} steps, {p['seconds']:.0f}s; validation "
              + ", ".join(f"{k} {p['initial'].get(k, float('nan')):.3f} -> {v:.3f}" for k, v in p["final"].items()
                          if k.startswith("val_")))


# ------------------------------------------------------------------------------------------- live subset
def fingerprint(checkpoint: Path) -> str:
    return hashlib.sha1((Path(checkpoint) / "model.safetensors").read_bytes()).hexdigest()[:16]


@torch.no_grad()
def head_inputs(model: MultimodalModel, items: list[dict], batch_size: int = 128) -> dict[str, Tensor]:
    """What the task heads read, in eval mode: {"joint": [N, d]} or, for a fusion that decides the intent
    itself (late), {"pooled": [N, 3, d], "present": [N, 3]}, the per-modality vectors its classifiers read; for a
    tone head that reads the words (config.tone_reads_text) also "text_mean" [N, 384], "has_text" [N] and
    "text_cues" [N, 4] (items' "text_cues", zeros where missing)."""
    from .train import collate

    model.eval()
    joint, pooled, present = [], [], []
    for start in range(0, len(items), batch_size):
        inputs, _ = collate(items[start:start + batch_size])
        out = model(inputs)
        joint.append(out.fusion.joint)
        tok = out.aligned
        pooled.append(torch.stack([masked_mean(getattr(tok, m), getattr(tok, f"{m}_mask"))
                                   for m in ("text", "image", "audio")], dim=1))
        present.append(torch.stack([tok.present(m) for m in ("text", "image", "audio")], dim=1))
    reps = {"pooled": torch.cat(pooled), "present": torch.cat(present)} if model.fusion.decides_intent \
        else {"joint": torch.cat(joint)}
    if model.config.tone_reads_text:
        from .adapt_tone import cue_matrix, pooled_text

        reps["text_mean"], reps["has_text"] = pooled_text(items, model.config.text_dim)
        reps["text_cues"] = cue_matrix(items)
    return reps


def checkpoints_encoders(checkpoints: Path) -> tuple[Path | None, Path | None]:
    """The text adapter and image top folders the committed checkpoints were trained on (None where plain),
    checked as the app checks them."""
    from .inference import Pipeline

    models = {f: MultimodalModel.from_pretrained(checkpoints / f) for f in FUSION_NAMES
              if (checkpoints / f / "config.json").exists()}
    return Pipeline.text_adapter_of(models, checkpoints), Pipeline.image_top_of(models, checkpoints)


def build_live_subset(checkpoints: str | Path, train_items: list[dict], val_items: list[dict], out: str | Path,
                      n_train: int = 600, n_val: int = 200, seed: int = 0) -> Path:
    """assets/training/live_subset.pt: fp16 head inputs of n_train training and n_val validation samples for
    every committed checkpoint, with labels and the checkpoints' fingerprints (a few MB at most)."""
    rng = random.Random(seed)
    picked = {"train": rng.sample(train_items, min(n_train, len(train_items))),
              "val": rng.sample(val_items, min(n_val, len(val_items)))}
    data: dict = {"version": 1, "labels": {}, "fusions": {}}
    for split, its in picked.items():
        data["labels"][split] = {k: torch.tensor([it[k] for it in its], dtype=torch.int16)
                                 for k in ("intent", "image_kind", "tone")}
        data["labels"][split]["mix"] = [it["mix"] for it in its]
    for fusion in FUSION_NAMES:
        folder = Path(checkpoints) / fusion
        if not (folder / "model.safetensors").exists():
            continue
        model = MultimodalModel.from_pretrained(folder)
        entry = {"fingerprint": fingerprint(folder), "d_model": model.config.d_model}
        for split, its in picked.items():
            entry[split] = {k: (v.to(torch.float16) if v.is_floating_point() else v)
                            for k, v in head_inputs(model, its).items()}
        data["fusions"][fusion] = entry
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(data, out)
    return out


# ------------------------------------------------------------------------------------------- damage transfer
def damage_transfer(photos: str | Path, cache_dir: str | Path, ks=(2, 4, 7, 10, 13), repeats: int = 2,
                    seed: int = 0, steps: int = 300) -> dict:
    """Leave-one-product-type-out probe over the bank's product photos (see the module docstring)."""
    photos = Path(photos)
    rows = [json.loads(line) for line in photos.read_text().splitlines()]
    feats = {it["id"]: it["image_tokens"] for it in build_feature_cache(photos, cache_dir=cache_dir)}
    picked = [r for r in rows if r["image_kind"] in ("product", "damaged_product")]
    x = torch.stack([feats[r["id"]].float().mean(0) for r in picked])
    y = torch.tensor([int(r["image_kind"] == "damaged_product") for r in picked])
    ptype = [r["image_meta"]["product"] for r in picked]
    types = sorted(set(ptype))
    rng, gen = random.Random(seed), torch.Generator().manual_seed(seed)
    result = {"photos": len(picked), "types": types, "by_k": {}}
    for k in ks:
        if k >= len(types):
            continue
        scores = []
        for held in types:
            for _ in range(repeats):
                train_types = set(rng.sample([t for t in types if t != held], k))
                tr = torch.tensor([i for i, t in enumerate(ptype) if t in train_types])
                te = torch.tensor([i for i, t in enumerate(ptype) if t == held])
                probe = torch.nn.Linear(x.shape[1], 2)
                torch.nn.init.normal_(probe.weight, std=0.01, generator=gen)
                opt = torch.optim.AdamW(probe.parameters(), 3e-3, weight_decay=1e-2)
                for _ in range(steps):
                    loss = torch.nn.functional.cross_entropy(probe(x[tr]), y[tr])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                with torch.no_grad():
                    scores.append(float((probe(x[te]).argmax(-1) == y[te]).float().mean()))
        result["by_k"][str(k)] = {"held_out_accuracy": round(float(np.mean(scores)), 4), "runs": len(scores)}
    return result


# ------------------------------------------------------------------------------------------- damage probe
DAMAGE_PROBE_GROUPS = ("train_types", "held_out_types")


def _probe_render(job: tuple[str, int, int]) -> dict:
    """One probe photo (intact for even indices, damaged for odd ones) as JPEG bytes, from its own seed."""
    import io

    from .data.images import render_image

    group, index, seed = job
    kind = "damaged_product" if index % 2 else "product"
    rng = random.Random(f"{seed}/damage-probe/{group}/{index}")
    img, meta = render_image(kind, rng, held_out=group == "held_out_types")
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=rng.randint(55, 95))
    return {"group": group, "kind": kind, "product": meta["product"], "jpeg": buf.getvalue()}


def damage_probe_inputs(n_train: int, n_held_out: int, n_blocks: int, cache_dir: str | Path,
                        image_size: int, seed: int = 0, workers: int = 2, batch_size: int = 32) -> dict:
    """Render the probe photos and cache what enters the encoder's last n_blocks MBConv blocks (float16).
    The cache is named by the sizes and seed only: delete it after changing the renderer."""
    from concurrent.futures import ProcessPoolExecutor

    from . import limits
    from .encoders import ImageEncoder
    from .media import load_image

    path = Path(cache_dir) / f"damage_probe-s{seed}-{n_train}-{n_held_out}-px{image_size}-top{n_blocks}.pt"
    if path.exists():
        return torch.load(path, weights_only=False)
    jobs = [(g, i, seed) for g, n in zip(DAMAGE_PROBE_GROUPS, (n_train, n_held_out)) for i in range(n)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        photos = list(pool.map(_probe_render, jobs, chunksize=8))
    encoder = ImageEncoder(size=image_size).eval()
    inputs = []
    with torch.inference_mode():
        for i in range(0, len(photos), batch_size):
            chunk = [load_image(p["jpeg"], limits.MODEL_IMAGE_SIDE) for p in photos[i:i + batch_size]]
            inputs.extend(encoder.block_inputs(encoder.preprocess(chunk), n_blocks).to(torch.float16))
    data = {"rows": [{k: v for k, v in p.items() if k != "jpeg"} for p in photos], "inputs": torch.stack(inputs),
            "n_blocks": n_blocks, "image_size": image_size}
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(data, path)
    return data


def damage_probe(tops: list[str | None], n_train: int = 2400, n_held_out: int = 800,
                 cache_dir: str | Path = ".cache/features", image_size: int | None = None, n_blocks: int = 5,
                 seeds: int = 3, steps: int = 300, workers: int = 2, render_seed: int = 0) -> dict:
    """Intact vs damaged on held-out product types for each image encoder in `tops` (None = plain ImageNet)."""
    from .configs import IMAGE_SIZE
    from .encoders import IMAGE_TOP_CONFIG, ImageEncoder

    for top in tops:
        if top is not None:
            cfg = json.loads((Path(top) / IMAGE_TOP_CONFIG).read_text())
            if cfg["n_blocks"] != n_blocks:
                raise ValueError(f"{top} fine-tunes {cfg['n_blocks']} blocks; this probe caches the input of the "
                                 f"last {n_blocks} (--blocks)")
    size = image_size or IMAGE_SIZE
    data = damage_probe_inputs(n_train, n_held_out, n_blocks, cache_dir, size, seed=render_seed, workers=workers)
    rows = data["rows"]
    y = torch.tensor([float(r["kind"] == "damaged_product") for r in rows])
    train = torch.tensor([r["group"] == "train_types" for r in rows])
    result = {"renders": {g: sum(r["group"] == g for r in rows) for g in DAMAGE_PROBE_GROUPS},
              "types": {g: sorted({r["product"] for r in rows if r["group"] == g}) for g in DAMAGE_PROBE_GROUPS},
              "render_seed": render_seed, "image_size": size, "n_blocks": n_blocks, "probe_seeds": seeds,
              "encoders": {}}
    for top in tops:
        encoder = ImageEncoder(size=size, top=top).eval()
        with torch.inference_mode():
            x = torch.cat([encoder.forward_top(data["inputs"][i:i + 64].float(), n_blocks).mean(1)
                           for i in range(0, len(rows), 64)])
        mu, sd = x[train].mean(0), x[train].std(0) + 1e-3
        x = (x - mu) / sd
        accs, aucs, right = [], [], torch.zeros(int((~train).sum()))
        for s in range(seeds):
            gen = torch.Generator().manual_seed(s)
            probe = torch.nn.Linear(x.shape[1], 1)
            torch.nn.init.normal_(probe.weight, std=0.01, generator=gen)
            torch.nn.init.zeros_(probe.bias)
            opt = torch.optim.AdamW(probe.parameters(), 3e-3, weight_decay=1e-2)
            for _ in range(steps):
                loss = torch.nn.functional.binary_cross_entropy_with_logits(probe(x[train]).squeeze(-1), y[train])
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                score = probe(x[~train]).squeeze(-1)
                hit = ((score > 0).float() == y[~train]).float()
            accs.append(round(float(hit.mean()), 4))
            aucs.append(round(_auc(score, y[~train]), 4))
            right += hit
        held = [r for r in rows if r["group"] == "held_out_types"]
        by_type = {}
        for t in result["types"]["held_out_types"]:
            by_type[t] = {state: round(float(np.mean([float(right[i]) / seeds for i, r in enumerate(held)
                                                      if r["product"] == t and r["kind"] == kind])), 4)
                          for state, kind in (("intact", "product"), ("damaged", "damaged_product"))}
        name = "plain ImageNet" if top is None else _shown(Path(top))
        result["encoders"][name] = {"fingerprint": encoder.top_id,
                                    "held_out_accuracy": accs, "mean": round(float(np.mean(accs)), 4),
                                    "held_out_auc": round(float(np.mean(aucs)), 4),
                                    "by_held_out_type": by_type}
    return result


def _auc(score: Tensor, label: Tensor) -> float:
    """Area under the ROC curve: how often a damaged photo scores above an intact one (ties count half).
    Unlike accuracy it does not depend on where the probe puts its threshold for types it never saw."""
    pos, neg = score[label > 0.5], score[label <= 0.5]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0).float() + 0.5 * (diff == 0).float()).mean())


def _shown(path: Path) -> str:
    """A path as the JSON and table show it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def print_damage_probe(result: dict) -> None:
    r = result["renders"]
    print(f"intact vs damaged: probe trained on {r['train_types']} renders of {len(result['types']['train_types'])} "
          f"training types, scored on {r['held_out_types']} of the held-out types "
          f"({', '.join(result['types']['held_out_types'])})")
    types = result["types"]["held_out_types"]
    head = (f"{'encoder':<40} {'accuracy (seeds)':<22} {'mean':>6} {'AUC':>6}  "
            + "  ".join(f"{t[:15] + ' int/dam':>23}" for t in types))
    print(head)
    print("-" * len(head))
    for name, e in result["encoders"].items():
        cells = "  ".join(f"{e['by_held_out_type'][t]['intact']:.2f} / {e['by_held_out_type'][t]['damaged']:.2f}"
                          .rjust(23) for t in types)
        print(f"{name[-40:]:<40} {' '.join(f'{a:.3f}' for a in e['held_out_accuracy']):<22} {e['mean']:>6.3f} "
              f"{e['held_out_auc']:>6.3f}  {cells}")


# ----------------------------------------------------------------------------------------------- ceilings
CEILING_VARIANTS = ("as is", "photos", "typed", "both")


def _absolute(row: dict, folder: Path) -> dict:
    """`row` with its media paths made absolute, so that its manifest can live anywhere."""
    return {**row, **{k: str((folder / row[k]).resolve()) for k in ("image", "audio") if row.get(k)}}


def bank_photos_by_kind(bank: str | Path) -> dict[str, list[str]]:
    """{kind: absolute photo paths} of a training photo bank (data/train/photos.jsonl), without the gadgets:
    photos of the split's own product types and layouts."""
    from .data.images import GADGET_TYPES
    from .data.manifest import read_manifest

    out: dict[str, list[str]] = {}
    for s in read_manifest(bank):
        if (s.extra.get("image_meta") or {}).get("product") not in GADGET_TYPES:
            out.setdefault(s.image_kind, []).append(str(s.image.resolve()))
    return out


def with_bank_photo(row: dict, photos: dict[str, list[str]], rng: random.Random) -> dict:
    """The row with its photo (if any) replaced by a bank photo of the same kind: every label stays true."""
    return {**row, "image": rng.choice(photos[row["image_kind"]])} if row.get("image") else row


def with_voice_typed(row: dict) -> dict:
    """The row with its voice clip (if any) replaced by the words spoken, typed after the row's own text."""
    if not row.get("audio"):
        return row
    if not row.get("spoken"):
        raise ValueError(f"{row['id']}: a voice row without its spoken words ('spoken')")
    return {**row, "text": f"{row['text']} {row['spoken']}".strip(), "audio": None}


def ceiling_manifests(manifest: str | Path, bank: str | Path, out: str | Path, seed: int = 0,
                      photo_kinds: set[str] | None = None) -> dict[str, Path]:
    """Write one manifest per CEILING_VARIANTS entry under `out` (absolute media paths). With photo_kinds, only
    photos of those kinds are swapped (e.g. products only: how much do the unseen product types cost?)."""
    from .data.manifest import write_manifest

    manifest, out = Path(manifest), Path(out)
    rows = [_absolute(json.loads(line), manifest.parent) for line in manifest.read_text().splitlines() if line.strip()]
    photos = bank_photos_by_kind(bank)
    swapped = [with_bank_photo(r, photos, random.Random(f"{seed}/{r['id']}"))
               if photo_kinds is None or r.get("image_kind") in photo_kinds else r for r in rows]
    variants = {"as is": rows, "photos": swapped, "typed": [with_voice_typed(r) for r in rows],
                "both": [with_voice_typed(r) for r in swapped]}
    paths = {name: out / name.replace(" ", "_") / "manifest.jsonl" for name in variants}
    for name, vrows in variants.items():
        write_manifest(paths[name], vrows)
    return paths


def ceilings(manifest: str | Path, bank: str | Path, out: str | Path, fusion: str = "attention",
             checkpoints: str | Path | None = None, seed: int = 0, limit: int | None = None,
             photo_kinds: set[str] | None = None) -> dict:
    """Evaluate `fusion` on each variant of `manifest` (ceiling_manifests) with the evaluator's own pipeline."""
    from .evaluate import evaluate
    from .inference import Pipeline

    pipe = Pipeline.load(fusions=(fusion,), **({"checkpoints": checkpoints} if checkpoints else {}))
    result = {"manifest": str(manifest), "bank": str(bank), "fusion": fusion, "seed": seed,
              "photo_kinds": sorted(photo_kinds) if photo_kinds else "all", "variants": {}}
    for name, path in ceiling_manifests(manifest, bank, out, seed, photo_kinds).items():
        r = evaluate(pipe, path, (fusion,), drop=False, limit=limit)["strategies"][fusion]
        result["variants"][name] = {
            "accuracy": r["accuracy"], "image_kind_accuracy": r["image_kind_accuracy"],
            **{f"rule_{k}": v["accuracy"] for k, v in r["by_rule"].items()},
            **{f"mix_{k}": v["accuracy"] for k, v in r["by_mix"].items()}}
    return result


def print_ceilings(result: dict) -> None:
    keys = ["accuracy", "rule_R1", "rule_R3", "rule_voice", "image_kind_accuracy"]   # mixes: in the JSON (a typed
    # voice row counts as typed there)
    kinds = "" if result["photo_kinds"] == "all" else f", only {', '.join(result['photo_kinds'])}"
    print(f"\n{result['fusion']} on {result['manifest']} (photos from {result['bank']}{kinds})")
    print(f"{'variant':<10}" + "".join(f"{k.replace('rule_', '').replace('mix_', '').replace('_accuracy', ''):>12}"
                                      for k in keys))
    for name, v in result["variants"].items():
        print(f"{name:<10}" + "".join(f"{v[k]:>12.3f}" if v.get(k) is not None else f"{'-':>12}" for k in keys))


# ------------------------------------------------------------------------------------------- CLI
def write_json(path: Path | None, result: dict) -> None:
    """Write a subcommand's result to --json, when it was given."""
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=1) + "\n")


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m mmdemo.experiments", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    le = sub.add_parser("label-efficiency", help="pretraining vs none, frozen vs fine-tuned top layers, 1-100 %% labels")
    le.add_argument("--data", default="data", type=Path)
    le.add_argument("--cache-dir", default=".cache/features", type=Path)
    le.add_argument("--out", default="runs/label_efficiency", type=Path, help="checkpoints of every run (git-ignored)")
    le.add_argument("--json", default=TRAINING_ASSETS / RESULT_NAME, type=Path)
    le.add_argument("--fractions", default="0.01,0.05,0.2,1.0")
    le.add_argument("--finetune-top", default=2, type=int, help="layers of each encoder to fine-tune (0 = skip)")
    le.add_argument("--finetune-fractions", default="0.05,1.0")
    le.add_argument("--pretrained", default=None, type=Path, help="reuse this pretrained backbone (skip pretraining)")
    le.add_argument("--pretrain-steps", default=240, type=int)
    le.add_argument("--max-steps", default=100, type=int, help="optimiser steps per fine-tuning run")
    le.add_argument("--max-epochs", default=100, type=int)
    le.add_argument("--patience", default=4, type=int)
    le.add_argument("--epoch-samples", default=640, type=int, help="virtual epoch size for small subsets")
    le.add_argument("--val-samples", default=300, type=int)
    le.add_argument("--batch-size", default=32, type=int)
    le.add_argument("--lr", default=1e-3, type=float)
    le.add_argument("--encoder-lr", default=1e-4, type=float)
    le.add_argument("--seed", default=0, type=int)
    le.add_argument("--config", default=None, help="JSON model-config overrides (tests use a tiny model)")
    le.add_argument("--threads", default=1, type=int, help="torch threads (0 = torch's default). 1 by default: "
                    "with other jobs on the 2 cores, 2 threads ran ~10x slower (oversubscription), and these small "
                    "models gain little from a second thread")
    ls = sub.add_parser("live-subset", help="rebuild the Training tab's live subset from the checkpoints")
    ls.add_argument("--data", default="data", type=Path)
    ls.add_argument("--cache-dir", default=".cache/features", type=Path)
    ls.add_argument("--checkpoints", default=ROOT / "assets" / "checkpoints", type=Path)
    ls.add_argument("--out", default=LIVE_SUBSET, type=Path)
    ls.add_argument("--train-samples", default=600, type=int)
    ls.add_argument("--val-samples", default=200, type=int)
    dt = sub.add_parser("damage-transfer", help="intact vs damaged, learned on k product types, on an unseen type")
    dt.add_argument("--data", default="data", type=Path)
    dt.add_argument("--cache-dir", default=".cache/features", type=Path)
    dt.add_argument("--ks", default="2,4,7,10,13")
    dt.add_argument("--repeats", default=2, type=int)
    dt.add_argument("--json", default=None, type=Path)
    dp = sub.add_parser("damage-probe", help="intact vs damaged on held-out product types, per image encoder")
    dp.add_argument("--top", action="append", default=None, type=Path,
                    help="a fine-tuned image top to compare (repeatable; default: the committed one)")
    dp.add_argument("--train-renders", default=2400, type=int)
    dp.add_argument("--held-out-renders", default=800, type=int)
    dp.add_argument("--blocks", default=5, type=int, help="the number of blocks the tops fine-tune")
    dp.add_argument("--render-seed", default=0, type=int, help="another seed draws another set of photos")
    dp.add_argument("--cache-dir", default=".cache/features", type=Path)
    dp.add_argument("--workers", default=2, type=int)
    dp.add_argument("--json", default=None, type=Path)
    ce = sub.add_parser("ceilings", help="accuracy with readable photos and/or perfect transcripts (upper bounds)")
    ce.add_argument("--manifest", default="data/test/manifest.jsonl", type=Path)
    ce.add_argument("--bank", default="data/train/photos.jsonl", type=Path)
    ce.add_argument("--fusion", default="attention", choices=FUSION_NAMES)
    ce.add_argument("--checkpoints", default=None, type=Path)
    ce.add_argument("--out", default="runs/ceilings", type=Path, help="the variants' manifests (git-ignored)")
    ce.add_argument("--seed", default=0, type=int)
    ce.add_argument("--limit", default=None, type=int, help="only the first N rows")
    ce.add_argument("--photo-kinds", default="", help="comma-separated: swap only photos of these kinds (default all)")
    ce.add_argument("--json", default=None, type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "label-efficiency":
        args.fractions = [float(f) for f in args.fractions.split(",") if f]
        args.finetune_fractions = [float(f) for f in args.finetune_fractions.split(",") if f]
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.cmd == "label-efficiency":
        return label_efficiency(args)
    if args.cmd == "damage-transfer":
        result = damage_transfer(args.data / "train" / "photos.jsonl", args.cache_dir,
                                 [int(k) for k in args.ks.split(",") if k], args.repeats)
        print(f"{result['photos']} product photos of {len(result['types'])} types")
        for k, v in result["by_k"].items():
            print(f"trained on {k:>2} types -> unseen type: intact vs damaged {v['held_out_accuracy']:.3f} ({v['runs']} runs)")
        write_json(args.json, result)
        return result
    if args.cmd == "ceilings":
        kinds = {k for k in args.photo_kinds.split(",") if k} or None
        if kinds and not kinds <= set(IMAGE_KINDS):
            raise SystemExit(f"--photo-kinds: unknown kind(s) {sorted(kinds - set(IMAGE_KINDS))}; kinds: {IMAGE_KINDS}")
        result = ceilings(args.manifest, args.bank, args.out, args.fusion, args.checkpoints, args.seed, args.limit,
                          kinds)
        print_ceilings(result)
        write_json(args.json, result)
        return result
    if args.cmd == "damage-probe":
        from .configs import IMAGE_TOP_DIR
        tops = args.top or [ROOT / "assets" / "checkpoints" / IMAGE_TOP_DIR]
        result = damage_probe([None, *tops], args.train_renders, args.held_out_renders, args.cache_dir,
                              n_blocks=args.blocks, workers=args.workers, render_seed=args.render_seed)
        print_damage_probe(result)
        write_json(args.json, result)
        return result
    adapter, image_top = checkpoints_encoders(Path(args.checkpoints))   # the features the checkpoints were trained on
    from .adapt_tone import with_cues

    manifest = lambda split: args.data / split / "manifest.jsonl"
    load = lambda split: with_cues(build_feature_cache(manifest(split), cache_dir=args.cache_dir, text_adapter=adapter,
                                                       image_top=image_top), manifest(split))
    train_items, val_items = load("train"), load("val")
    path = build_live_subset(args.checkpoints, train_items, val_items, args.out, args.train_samples, args.val_samples)
    print(f"wrote {path} ({path.stat().st_size / 2**20:.2f} MB)")
    return path


if __name__ == "__main__":
    main()
