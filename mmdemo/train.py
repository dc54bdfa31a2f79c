"""Train the fusion models: `python -m mmdemo.train --fusion early|late|cross_attention|attention|all`.

An accelerate loop, so the same script runs unchanged on one process or on two CPU processes (gloo, data
sharded between them) with `accelerate launch --multi_gpu --num_processes 2 -m mmdemo.train ...` (on a machine
without GPUs `--multi_gpu` is what starts two processes; `--cpu` would start one). The pretrained
encoders are frozen: their features come from the on-disk cache (mmdemo.features), and only the audio encoder,
alignment, fusion and heads train. The weights validated and saved are an exponential moving average of the
trained ones (--ema; see WeightAverage). Early stopping on validation accuracy; after training the intent
probabilities are calibrated on the validation split (temperature scaling) and the checkpoint is saved with
save_pretrained() (safetensors + config.json) together with a JSON training log for the app's Training tab.
`--finetune-top N` also fine-tunes the top N layers of the text and image encoders (live, over cached inputs of
those layers); `--init` starts from a checkpoint folder, e.g. the backbone `python -m mmdemo.pretrain` saves.
The text features come from MiniLM with the LoRA adapter of `python -m mmdemo.adapt_text` when there is one
(--text-adapter, by default the committed one), the patch tokens from EfficientNet with the fine-tuned top of
`python -m mmdemo.adapt_image` (--image-top, likewise); both are copied beside the checkpoints and named in
their configs.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from tqdm import tqdm

from .calibration import expected_calibration_error, fit_temperature
from .adapt_image import DEFAULT_IMAGE_TOP, KIND_HEAD_WEIGHTS, saved_kind_head
from .adapt_text import DEFAULT_ADAPTER
from .configs import IMAGE_TOP_DIR, MODEL_CONFIGS, TEXT_ADAPTER_DIR, ModelConfig
from .encoders import (ADAPTER_CONFIG, ADAPTER_WEIGHTS, IMAGE_TOP_CONFIG, IMAGE_TOP_WEIGHTS, adapter_fingerprint,
                       image_top_fingerprint)
from .features import build_feature_cache
from .fusion import FUSIONS
from .model import ModelInputs, MultimodalModel
from .schema import IMAGE_KIND_TO_ID, IMAGE_KINDS, TONE_TO_ID

LOSS_WEIGHTS = {"intent": 1.0, "image_kind": 0.3, "tone": 0.3}
NO_IMAGE_ID = IMAGE_KIND_TO_ID["none"]


def augment(item: dict, rng: random.Random, p_drop: float = 0.15, p_token: float = 0.1) -> dict:
    """Training-time noise that keeps the label true: drop an image or a voice track whose content the label
    does not depend on (not for R1/R3 samples, whose intent comes from the image), and drop a few text tokens."""
    item = dict(item)
    if item["image_tokens"] is not None and item["rule"] in ("explicit", "voice") and item["text_tokens"] is not None \
            and rng.random() < p_drop:
        item["image_tokens"], item["image_kind"] = None, NO_IMAGE_ID
    if item["audio_feats"] is not None and item["text_tokens"] is not None and rng.random() < p_drop:
        item["audio_feats"] = None
    tt = item["text_tokens"]
    if tt is not None and tt.shape[0] > 4 and p_token > 0:
        keep = torch.tensor([i == 0 or rng.random() > p_token for i in range(tt.shape[0])])
        item["text_tokens"] = tt[keep]
    return item


def collate(items: list[dict]) -> tuple[ModelInputs, dict[str, torch.Tensor]]:
    # image tokens are [49, 1280], or [49, C] for the --finetune-top inputs: take the shape from the items
    image_shape = next((tuple(it["image_tokens"].shape) for it in items if it["image_tokens"] is not None), (49, 1280))
    inputs = ModelInputs.collate([{k: (None if item[k] is None else item[k].float())
                                   for k in ("text_tokens", "image_tokens", "audio_feats")} for item in items],
                                 image_shape=image_shape)
    labels = {k: torch.tensor([item[k] for item in items]) for k in LOSS_WEIGHTS}
    return inputs, labels


def loss_fn(out, labels: dict[str, torch.Tensor], smoothing: float = 0.05) -> torch.Tensor:
    return (LOSS_WEIGHTS["intent"] * F.cross_entropy(out.intent_logits, labels["intent"], label_smoothing=smoothing)
            + LOSS_WEIGHTS["image_kind"] * F.cross_entropy(out.image_kind_logits, labels["image_kind"])
            + LOSS_WEIGHTS["tone"] * F.cross_entropy(out.tone_logits, labels["tone"]))


@torch.no_grad()
def predict_logits(model: MultimodalModel, items: list[dict], batch_size: int = 128) -> dict[str, torch.Tensor]:
    model.eval()
    chunks: dict[str, list[torch.Tensor]] = {"intent": [], "image_kind": [], "tone": []}
    for start in range(0, len(items), batch_size):
        inputs, _ = collate(items[start:start + batch_size])
        out = model(inputs)
        chunks["intent"].append(out.intent_logits)
        chunks["image_kind"].append(out.image_kind_logits)
        chunks["tone"].append(out.tone_logits)
    return {k: torch.cat(v) for k, v in chunks.items()}


def accuracy(logits: torch.Tensor, items: list[dict], key: str = "intent") -> float:
    labels = torch.tensor([it[key] for it in items])
    return float((logits.argmax(-1) == labels).float().mean())


def warmup_cosine(optimizer, total_steps: int) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up over the first 5 % of steps, then cosine decay to zero (training and pretraining)."""
    warmup = max(1, total_steps // 20)
    schedule = lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / total_steps)))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)


class WeightAverage:
    """An exponential moving average of the model's weights (Polyak averaging), updated after every optimiser
    step; with --ema the averaged weights are the ones validated, kept and saved. Early stopping picks an epoch
    while the learning rate is still high, so the raw weights it keeps depend on the last few batches; the
    average of the recent steps does not. The decay ramps up as min(decay, (1 + t) / (10 + t)), so the first
    steps do not leave the random initialisation in the average."""

    def __init__(self, model: torch.nn.Module, decay: float):
        self.decay, self.updates = decay, 0
        self.state = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model: torch.nn.Module) -> None:
        self.updates += 1
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                self.state[k].lerp_(v.detach(), 1.0 - decay)
            else:
                self.state[k].copy_(v)

    def copy_to(self, model: torch.nn.Module) -> dict[str, torch.Tensor]:
        """Load the averaged weights into `model` and return the ones it held."""
        held = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.load_state_dict(self.state)
        return held


def fit_kind_readout(items: list[dict], l2: float = 1e-3, steps: int = 200) -> tuple[torch.Tensor, torch.Tensor]:
    """A linear six-kind classifier on the mean of each photo's patch tokens (multinomial logistic regression,
    L2-penalised, full-batch L-BFGS), fitted on the training photos before the fusion model trains and then
    frozen in its aligner (config.image_kind_readout). Returns (weight [6, image_dim], bias [6])."""
    photos = [it for it in items if it["image_tokens"] is not None]
    if not photos:
        raise ValueError("no photos to fit the kind readout on")
    x = torch.stack([it["image_tokens"].float().mean(0) for it in photos])
    y = torch.tensor([it["image_kind"] for it in photos])   # photo kinds only: "none" is the last label
    readout = torch.nn.Linear(x.shape[1], len(IMAGE_KINDS))
    torch.nn.init.zeros_(readout.weight)
    torch.nn.init.zeros_(readout.bias)
    optimizer = torch.optim.LBFGS(readout.parameters(), lr=1.0, max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = F.cross_entropy(readout(x), y) + l2 * readout.weight.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    return readout.weight.detach(), readout.bias.detach()


def kind_readout_for(image_top: Path | None, items: list[dict]) -> tuple[torch.Tensor, torch.Tensor, str]:
    """The kind readout of a run: the six-kind head the image top was trained with (adapt_image saves it beside
    the top) if there is one, else one fitted on the training photos (fit_kind_readout); and which it is. On the
    test split's photos the co-trained head read intact held-out products far better than a fitted readout on
    the same top's tokens (96 against 68 of 129; docs/experiments.md, "A kind readout")."""
    head = saved_kind_head(image_top)
    if head is not None:
        return *head, f"the image top's own kind head ({KIND_HEAD_WEIGHTS})"
    weight, bias = fit_kind_readout(items)
    return weight, bias, f"fitted on {sum(it['image_tokens'] is not None for it in items)} training photos"


def images_by_kind(items: list[dict]) -> dict[int, list[torch.Tensor]]:
    """Every training photo's patch tokens, grouped by image kind (for swap_image)."""
    bank: dict[int, list[torch.Tensor]] = {}
    for it in items:
        if it["image_tokens"] is not None:
            bank.setdefault(it["image_kind"], []).append(it["image_tokens"])
    return bank


def swap_image(item: dict, bank: dict[int, list[torch.Tensor]], rng: random.Random, p: float) -> dict:
    """With probability p, give the sample another training photo of the same kind. Every label stays true:
    under R1 and R3 the intent follows the photo's kind, which is kept; an explicit request wins over any photo;
    tone never comes from the photo. Each photo then meets many texts and voices instead of one, so the fusion
    has to learn the rules rather than the pairs, and the image branch sees each kind in more contexts."""
    if item["image_tokens"] is None or p <= 0 or rng.random() >= p:
        return item
    return {**item, "image_tokens": rng.choice(bank[item["image_kind"]])}


class AugmentedDataset(torch.utils.data.Dataset):
    def __init__(self, items: list[dict], seed: int, swap_images: float = 0.0, extra_images: list[dict] = ()):
        self.items, self.seed, self.epoch = items, seed, 0
        self.swap_images, self.bank = swap_images, images_by_kind([*items, *extra_images])

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        rng = random.Random(self.seed * 1_000_003 + self.epoch * 10_007 + i)
        return augment(swap_image(self.items[i], self.bank, rng, self.swap_images), rng)


def train_one(fusion: str, train_items: list[dict], val_items: list[dict], out_dir: Path, args,
              accelerator: Accelerator) -> dict:
    set_seed(args.seed)
    config = run_config(fusion, args)
    model = MultimodalModel.from_pretrained(args.init) if args.init else MultimodalModel(config)
    if args.init and model.config.fusion != fusion:
        raise SystemExit(f"--init {args.init} holds a {model.config.fusion!r} model, not {fusion!r}")
    if args.init:   # the features of this run come from this run's text encoder, whatever --init was trained on
        model.config.text_adapter = config.text_adapter
        model.config.text_adapter_id = config.text_adapter_id
        model.config.image_top = config.image_top
        model.config.image_top_id = config.image_top_id
    readout_source = None
    if model.config.image_kind_readout and not args.init:
        weight, bias, readout_source = kind_readout_for(getattr(args, "image_top_folder", None),
                                                        [*train_items, *(getattr(args, "photo_items", None) or [])])
        model.aligner.set_kind_readout(weight, bias)
    finetune_top = getattr(args, "finetune_top", 0)
    if finetune_top:   # live, trainable encoder top layers over their cached inputs (see features.EncoderTops)
        from .features import EncoderTops, FinetunedModel

        model = FinetunedModel(model, getattr(args, "encoder_tops", None) or EncoderTops.load_encoders(finetune_top))
    dataset = AugmentedDataset(train_items, args.seed, getattr(args, "swap_images", 0.0),
                               getattr(args, "photo_items", None) or [])
    loader = DataLoader(dataset, batch_size=args.batch_size, shuffle=True, collate_fn=collate,
                        generator=torch.Generator().manual_seed(args.seed))
    params = model.param_groups(args.lr, getattr(args, "encoder_lr", 1e-4)) if finetune_top else model.parameters()
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)
    total_steps = args.epochs * math.ceil(len(dataset) / (args.batch_size * accelerator.num_processes))
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)
    scheduler = warmup_cosine(optimizer, total_steps)
    model, optimizer, loader, scheduler = accelerator.prepare(model, optimizer, loader, scheduler)

    log = {"fusion": fusion, "world_size": accelerator.num_processes, "steps": [], "epochs": []}
    if readout_source:
        log["kind_readout"] = readout_source
    if finetune_top:
        log["finetune_top"] = finetune_top
    ema_decay = getattr(args, "ema", 0.0)
    average = WeightAverage(accelerator.unwrap_model(model), ema_decay) if ema_decay else None
    if average:
        log["ema"] = ema_decay
    best = {"val_accuracy": -1.0, "epoch": -1, "state": None}
    step, bad_epochs, t0 = 0, 0, time.time()
    for epoch in range(args.epochs):
        dataset.epoch = epoch
        model.train()
        bar = tqdm(loader, desc=f"{fusion} epoch {epoch + 1}/{args.epochs}", leave=False,
                   disable=not accelerator.is_local_main_process)
        for inputs, labels in bar:
            loss = loss_fn(model(inputs), labels)
            optimizer.zero_grad()
            accelerator.backward(loss)
            accelerator.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            if average:
                average.update(accelerator.unwrap_model(model))
            step += 1
            loss_all = accelerator.gather(loss.detach().reshape(1)).mean().item()
            log["steps"].append({"step": step, "loss": round(loss_all, 4)})
            bar.set_postfix(loss=f"{loss_all:.3f}")
            if args.max_steps and step >= args.max_steps:
                break
        unwrapped = accelerator.unwrap_model(model)
        held = average.copy_to(unwrapped) if average else None   # validate (and keep) the averaged weights
        val_logits = predict_logits(unwrapped, val_items)
        val_acc = accuracy(val_logits["intent"], val_items)
        log["epochs"].append({"epoch": epoch + 1, "step": step, "val_accuracy": round(val_acc, 4),
                              "train_loss": round(float(np.mean([s["loss"] for s in log["steps"][-len(loader):]])), 4)})
        accelerator.print(f"[{fusion}] epoch {epoch + 1}: loss {log['epochs'][-1]['train_loss']:.3f}  "
                          f"val acc {val_acc:.3f}  ({time.time() - t0:.0f}s)")
        if val_acc > best["val_accuracy"] + 1e-4:
            best = {"val_accuracy": val_acc, "epoch": epoch + 1,
                    "state": {k: v.detach().clone() for k, v in unwrapped.state_dict().items()}}
            bad_epochs = 0
        else:
            bad_epochs += 1
        if held is not None:
            unwrapped.load_state_dict(held)   # training goes on from the raw weights
        if bad_epochs >= args.patience:
            accelerator.print(f"[{fusion}] early stop after epoch {epoch + 1} (best {best['epoch']})")
            break
        if args.max_steps and step >= args.max_steps:
            break

    model = accelerator.unwrap_model(model)
    model.load_state_dict(best["state"])
    val_logits = predict_logits(model, val_items)
    labels = torch.tensor([it["intent"] for it in val_items])
    temperature = fit_temperature(val_logits["intent"], labels)
    ece_before = expected_calibration_error(F.softmax(val_logits["intent"], -1).numpy(), labels.numpy())
    ece_after = expected_calibration_error(F.softmax(val_logits["intent"] / temperature, -1).numpy(), labels.numpy())
    model.temperature.fill_(temperature)
    log.update({"best_epoch": best["epoch"], "val_accuracy": round(best["val_accuracy"], 4),
                "temperature": round(temperature, 4), "val_ece_uncalibrated": round(ece_before, 4),
                "val_ece_calibrated": round(ece_after, 4), "seconds": round(time.time() - t0, 1),
                "parameters": model.num_parameters(), "train_samples": len(train_items),
                "swap_images": dataset.swap_images, "bank_photos": sum(map(len, dataset.bank.values()))})
    if accelerator.is_main_process:
        model.save_pretrained(out_dir / fusion)
        (out_dir / fusion / "training_log.json").write_text(json.dumps(log, indent=1))
    accelerator.print(f"[{fusion}] best val acc {best['val_accuracy']:.3f} at epoch {best['epoch']}; "
                      f"T={temperature:.2f}, ECE {ece_before:.3f} -> {ece_after:.3f}; saved to {out_dir / fusion}")
    accelerator.wait_for_everyone()
    return log


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m mmdemo.train", description=__doc__.splitlines()[0])
    ap.add_argument("--fusion", default="all", choices=[*FUSIONS, "all"])
    ap.add_argument("--data", default="data", type=Path, help="folder with train/ and val/ manifests")
    ap.add_argument("--out", default="assets/checkpoints", type=Path)
    ap.add_argument("--cache-dir", default=".cache/features", type=Path)
    ap.add_argument("--epochs", default=20, type=int)
    ap.add_argument("--max-steps", default=0, type=int, help="stop after this many optimiser steps (0 = no limit)")
    ap.add_argument("--batch-size", default=64, type=int)
    ap.add_argument("--lr", default=1e-3, type=float)
    ap.add_argument("--weight-decay", default=0.01, type=float)
    ap.add_argument("--patience", default=4, type=int)
    ap.add_argument("--seed", default=0, type=int)
    ap.add_argument("--swap-images", default=0.5, type=float,
                    help="chance that a training sample's photo is replaced by another training photo of the same "
                         "kind (from the samples and the data's photo bank, train/photos.jsonl); 0 turns it off")
    ap.add_argument("--ema", default=0.995, type=float,
                    help="keep an exponential moving average of the weights with this decay and validate, keep "
                         "and save the averaged weights instead of the raw ones (about the last 200 steps, three "
                         "epochs, at 0.995); 0 = off, the raw weights of the best epoch")
    ap.add_argument("--train-fraction", default=1.0, type=float, help="use this share of the training split")
    ap.add_argument("--init", default=None, type=Path, help="start from this checkpoint folder (e.g. a pretrained backbone)")
    ap.add_argument("--config", default=None, help='JSON overrides of the model config, e.g. \'{"d_model": 64}\'')
    ap.add_argument("--finetune-top", default=0, type=int,
                    help="also fine-tune the top N layers of the text and image encoders (run live on cached "
                         "inputs of those layers; saved as encoder_top.safetensors beside the checkpoint)")
    ap.add_argument("--encoder-lr", default=1e-4, type=float, help="learning rate of the --finetune-top layers")
    ap.add_argument("--text-adapter", default=str(DEFAULT_ADAPTER),
                    help="LoRA adapter of the text encoder (written by `python -m mmdemo.adapt_text`), used for the "
                         "text features and copied beside the checkpoints; 'none' (or a missing folder) = plain "
                         "MiniLM; --finetune-top runs always use plain MiniLM")
    ap.add_argument("--image-top", default=str(DEFAULT_IMAGE_TOP),
                    help="fine-tuned top of the image encoder (written by `python -m mmdemo.adapt_image`), used for "
                         "the patch tokens and copied beside the checkpoints; 'none' (or a missing folder) = plain "
                         "ImageNet EfficientNet; --finetune-top runs always use the plain one")
    ap.add_argument("--jobs", default=1, type=int,
                    help="with --fusion all: train this many strategies at once, one process and one thread each "
                         "(on 2 cores, 2 one-thread jobs beat one two-thread job: these matrices are small)")
    ap.add_argument("--threads", default=0, type=int, help="torch threads (0 = torch's default)")
    args = ap.parse_args(argv)
    args.config_overrides = json.loads(args.config) if args.config else None
    return args


def main(argv=None) -> list[dict]:
    args = parse_args(argv)
    torch.set_num_threads(args.threads or max(1, torch.get_num_threads()))
    accelerator = Accelerator(cpu=True)
    accelerator.print(f"accelerate: {accelerator.num_processes} process(es), device {accelerator.device}")
    fusions = list(FUSIONS) if args.fusion == "all" else [args.fusion]
    image_size = image_size_of(fusions, args)
    with accelerator.main_process_first():  # one process extracts the features, the others read the cache
        adapter = use_text_adapter(args, accelerator.is_main_process)
        accelerator.print(f"text encoder: MiniLM + LoRA adapter {args.adapter_overrides['text_adapter_id']} "
                          f"({adapter})" if adapter else "text encoder: plain MiniLM")
        image_top = args.image_top_folder = use_image_top(args, accelerator.is_main_process)
        accelerator.print(f"image encoder: EfficientNet-Lite0 + fine-tuned top {args.adapter_overrides['image_top_id']} "
                          f"({image_top})" if image_top else "image encoder: plain EfficientNet-Lite0")
        if args.finetune_top:
            from .features import build_encoder_cache

            load = lambda manifest: build_encoder_cache(manifest, args.finetune_top, args.cache_dir,
                                                        image_size=image_size)
        else:
            load = lambda manifest: build_feature_cache(manifest, cache_dir=args.cache_dir, image_size=image_size,
                                                        text_adapter=adapter, image_top=image_top)
        train_items = load(args.data / "train" / "manifest.jsonl")
        val_items = load(args.data / "val" / "manifest.jsonl")
        photos = args.data / "train" / "photos.jsonl"
        args.photo_items = load(photos) if photos.exists() and args.swap_images > 0 else []
    if args.train_fraction < 1.0:
        rng = random.Random(args.seed)
        train_items = rng.sample(train_items, max(1, int(len(train_items) * args.train_fraction)))
    if args.jobs > 1 and len(fusions) > 1 and accelerator.num_processes == 1:
        del train_items, val_items, args.photo_items   # each job reads the (now built) feature caches itself
        return train_in_parallel(fusions, sys.argv[1:] if argv is None else list(argv), args)
    return [train_one(f, train_items, val_items, args.out, args, accelerator) for f in fusions]


def use_text_adapter(args, copy: bool) -> Path | None:
    """The run's text adapter folder (None: plain MiniLM). It is copied to OUT/text_adapter (when `copy`), so
    that a checkpoints folder holds the adapter its models were trained on; the models' configs name it."""
    folder, args.adapter_overrides = _use_encoder_part(args, copy, "text_adapter", TEXT_ADAPTER_DIR, ADAPTER_WEIGHTS,
                                                       ADAPTER_CONFIG, adapter_fingerprint)
    return folder


def use_image_top(args, copy: bool) -> Path | None:
    """The run's fine-tuned image top folder (None: plain EfficientNet), copied to OUT/image_top (when `copy`)
    and named in the models' configs, as use_text_adapter does for the text adapter (call that first)."""
    folder, overrides = _use_encoder_part(args, copy, "image_top", IMAGE_TOP_DIR, IMAGE_TOP_WEIGHTS, IMAGE_TOP_CONFIG,
                                          image_top_fingerprint)
    args.adapter_overrides = {**getattr(args, "adapter_overrides", {}), **overrides}
    return folder


def _use_encoder_part(args, copy: bool, option: str, dirname: str, weights: str, config: str,
                      fingerprint_of) -> tuple[Path | None, dict]:
    """The folder given by --`option` (None: 'none', missing, or a --finetune-top run) and the config overrides
    naming it; the folder is copied to OUT/`dirname` when `copy` and not there already."""
    value = getattr(args, option)
    folder = None if args.finetune_top or str(value).lower() == "none" else Path(value)
    if folder is None or not (folder / weights).exists():
        return None, {}
    fingerprint = fingerprint_of(folder)
    dest = args.out / dirname
    if copy and (not (dest / weights).exists() or fingerprint_of(dest) != fingerprint):
        dest.mkdir(parents=True, exist_ok=True)
        for name in (weights, config, "training_log.json"):
            if (folder / name).exists():
                shutil.copyfile(folder / name, dest / name)
    return folder, {option: dirname, f"{option}_id": fingerprint}


def run_config(fusion: str, args) -> ModelConfig:
    """The named config of `fusion` with this run's --config overrides (and its text adapter)."""
    return ModelConfig.from_dict({**MODEL_CONFIGS[fusion].to_dict(), **getattr(args, "adapter_overrides", {}),
                                  **(args.config_overrides or {})})


def image_size_of(fusions: list[str], args) -> int:
    """The image encoder's input size for this run: the strategies share one feature cache, so one size."""
    sizes = {run_config(f, args).image_size for f in fusions}
    if len(sizes) != 1:
        raise SystemExit(f"the strategies' configs ask for different image sizes {sorted(sizes)}")
    return sizes.pop()


def _without(argv: list[str], *options: str) -> list[str]:
    """argv minus the given options and their values ("--opt v" or "--opt=v")."""
    out, skip = [], False
    for tok in argv:
        if skip:
            skip = False
        elif tok in options:
            skip = True
        elif not any(tok.startswith(o + "=") for o in options):
            out.append(tok)
    return out


def train_in_parallel(fusions: list[str], argv: list[str], args) -> list[dict]:
    """Run `python -m mmdemo.train --fusion F --threads 1` for every strategy, `args.jobs` at a time; the
    slowest strategies (the attention ones) start first."""
    import subprocess
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    base = [sys.executable, "-m", "mmdemo.train", *_without(argv, "--fusion", "--jobs", "--threads")]
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONUNBUFFERED="1")   # lines as they come

    def run(fusion: str) -> dict:
        # the job's own lines ("[fusion] epoch 3: loss ... val acc ...") are passed on as they come; its progress
        # bars (stderr) would interleave unreadably, so only their last lines are kept, for an error message
        with tempfile.TemporaryFile("w+") as err:
            proc = subprocess.Popen([*base, "--fusion", fusion, "--threads", "1"], env=env, stdout=subprocess.PIPE,
                                    stderr=err, text=True)
            for line in proc.stdout:
                if line.startswith(f"[{fusion}]"):
                    print(line.rstrip(), flush=True)
            proc.wait()
            err.seek(0)
            tail = "\n".join(err.read().replace("\r", "\n").strip().splitlines()[-3:])
        if proc.returncode:
            raise RuntimeError(f"training {fusion} failed ({proc.returncode}):\n{tail}")
        return json.loads((args.out / fusion / "training_log.json").read_text())

    order = sorted(fusions, key=lambda f: ("attention" not in f, fusions.index(f)))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        logs = dict(zip(order, pool.map(run, order)))
    return [logs[f] for f in fusions]


if __name__ == "__main__":
    main()
