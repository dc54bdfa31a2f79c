"""Refit the tone heads of trained models: `python -m mmdemo.adapt_tone`.

Why: the app hands frustrated customers to a person, but the tone heads trained with the fusion models learned a
shortcut. In the data build every typed frustrated text gets angry punctuation and no calm one gets "!", so "!"
came to mean angry ("Hello! Just popping in to say hi" read as frustrated) and anger said in words ("third time
today", "still nothing") went unseen. Two things never reach the fused vector at all: the text encoder's tokenizer
is uncased, so shouting in capitals reads like anything else, and emoji become [UNK].

What it does: everything but the tone path stays as trained (so intents, image kinds and calibration do not
move). Each model's fused vector is computed once for every training row and for N extra typed texts from the
training skeletons whose tone is framed in words, with cheerful "!" and acronyms in calm texts too
(`data.texts.make_tone_text`). The fused vector was trained for the intent and carries little of how the words
say anger, so the new tone head also reads the words (`ModelConfig.tone_reads_text`): the mean of the text token
states and the typed text's four surface cues (`encoders.surface_cues`: capital share, shouted words, angry and
friendly emoji). It starts as the trained head (new input columns zero) and is trained for a fixed number of
epochs (not picked on any evaluation set). The validation split's tone accuracy is printed before and after.

Writes OUT/<fusion>/config.json (tone_reads_text), model.safetensors and tone_log.json, beside a copy of the
checkpoint's training_log.json; copy those folders over the checkpoints to use them. Run it on the checkpoints
`python -m mmdemo.train` wrote (as the shipped ones were made); on refitted ones the new head starts from the
fused-vector part of theirs.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import shutil
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from .configs import IMAGE_SIZE
from .data.manifest import read_manifest
from .data.texts import make_tone_text
from .encoders import SURFACE_CUES, surface_cues
from .features import FeatureExtractor, build_feature_cache
from .inference import DEFAULT_CHECKPOINTS, FUSION_ORDER
from .model import ModelInputs, MultimodalModel
from .schema import INTENTS, TONE_TO_ID, TONES


def tone_texts(n: int, seed: int) -> list[dict]:
    """n typed texts, tones alternating, intents in turn, from make_tone_text (training skeletons only)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        tone, intent = TONES[i % len(TONES)], INTENTS[(i // len(TONES)) % len(INTENTS)]
        rows.append({"text": make_tone_text(intent, rng, tone), "tone": TONE_TO_ID[tone]})
    return rows


def with_cues(items: list[dict], manifest: Path) -> list[dict]:
    """The cached items of `manifest`, each with the surface cues of its typed text (not of a transcript)."""
    typed = {s.id: s.text for s in read_manifest(manifest)}
    return [dict(it, text_cues=surface_cues(typed[it["id"]])) for it in items]


@torch.no_grad()
def fused_vectors(model: MultimodalModel, items: list[dict], batch_size: int = 128) -> torch.Tensor:
    """The fusion's joint vector [N, d_model] for every item (eval mode: what the tone head reads at serving)."""
    model.eval()
    out = []
    for start in range(0, len(items), batch_size):
        batch = items[start:start + batch_size]
        inputs = ModelInputs.collate([{k: None if it.get(k) is None else it[k].float()
                                       for k in ("text_tokens", "image_tokens", "audio_feats")} for it in batch])
        out.append(model(inputs).fusion.joint)
    return torch.cat(out)


def pooled_text(items: list[dict], dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The mean text token state [N, dim] of every item and whether it has text [N] (what tone_input pools)."""
    pooled = torch.stack([it["text_tokens"].float().mean(0) if it.get("text_tokens") is not None
                          else torch.zeros(dim) for it in items])
    return pooled, torch.tensor([it.get("text_tokens") is not None for it in items])


def cue_matrix(items: list[dict]) -> torch.Tensor:
    """The items' "text_cues" as [N, len(SURFACE_CUES)], zeros where an item has none."""
    return torch.tensor([it.get("text_cues") or [0.0] * len(SURFACE_CUES) for it in items], dtype=torch.float32)


def reading_model(model: MultimodalModel) -> MultimodalModel:
    """`model` with a tone head that also reads the words (config.tone_reads_text), starting exactly where the
    trained head is: the new input columns start at zero, every other weight is copied."""
    config = dataclasses.replace(model.config, tone_reads_text=True)
    new = MultimodalModel(config)
    state = {k: v for k, v in model.state_dict().items() if not k.startswith("tone_")}
    head = {k[len("tone_head."):]: v for k, v in model.state_dict().items() if k.startswith("tone_head.")}
    missing = new.load_state_dict(state, strict=False).missing_keys
    assert all(k.startswith("tone_") for k in missing), missing
    with torch.no_grad():
        new.tone_head[0].weight.zero_()
        new.tone_head[0].weight[:, :config.d_model] = head["0.weight"][:, :config.d_model]
        new.tone_head[0].bias.copy_(head["0.bias"])
        new.tone_head[3].load_state_dict({"weight": head["3.weight"], "bias": head["3.bias"]})
    return new.eval()


def refit(model: MultimodalModel, train: list[dict], val: list[dict], epochs: int, lr: float, batch_size: int,
          seed: int) -> tuple[MultimodalModel, dict]:
    """Train a word-reading tone head on the frozen fused vectors of `train`; returns the model with it and a
    log with the validation split's tone accuracy before and after."""
    torch.manual_seed(seed)

    def inputs(items):
        return (fused_vectors(model, items), *pooled_text(items, model.config.text_dim), cue_matrix(items),
                torch.tensor([it["tone"] for it in items]))

    x, pooled, has_text, cues, y = inputs(train)
    vx, vpooled, vhas, vcues, vy = inputs(val)
    new = reading_model(model)
    accuracy = lambda logits: round(float((logits.argmax(-1) == vy).float().mean()), 4)
    with torch.no_grad():
        log = {"train_rows": len(train), "epochs": epochs, "lr": lr,
               "val_tone_before": accuracy(model.tone_head(vx))}
    params = [*new.tone_head.parameters(), *new.tone_text_norm.parameters()]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        new.train()
        for idx in torch.randperm(len(train), generator=g).split(batch_size):
            logits = new.tone_head(new.tone_text_input(x[idx], pooled[idx], has_text[idx], cues[idx]))
            loss = F.cross_entropy(logits, y[idx], label_smoothing=0.05)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    new.eval()
    with torch.no_grad():
        log["val_tone_after"] = accuracy(new.tone_head(new.tone_text_input(vx, vpooled, vhas, vcues)))
    return new, log


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m mmdemo.adapt_tone", description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoints", default=DEFAULT_CHECKPOINTS, type=Path)
    ap.add_argument("--data", default=Path("data"), type=Path)
    ap.add_argument("--out", default=Path("runs/tone"), type=Path)
    ap.add_argument("--fusion", default="all", choices=[*FUSION_ORDER, "all"])
    ap.add_argument("--tone-texts", default=8000, type=int, help="extra typed texts framed by make_tone_text")
    ap.add_argument("--epochs", default=8, type=int)
    ap.add_argument("--lr", default=1e-3, type=float)
    ap.add_argument("--batch-size", default=256, type=int)
    ap.add_argument("--seed", default=0, type=int)
    ap.add_argument("--cache-dir", default=Path(".cache/features"), type=Path)
    ap.add_argument("--threads", default=None, type=int)
    return ap.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    t0 = time.time()
    fusions = FUSION_ORDER if args.fusion == "all" else (args.fusion,)
    models = {f: MultimodalModel.from_pretrained(args.checkpoints / f) for f in fusions}
    first = next(iter(models.values())).config
    extractor = FeatureExtractor(image_size=first.image_size or IMAGE_SIZE,
                                 text_adapter=args.checkpoints / first.text_adapter if first.text_adapter else None,
                                 image_top=args.checkpoints / first.image_top if first.image_top else None)
    load = lambda split: with_cues(build_feature_cache(args.data / split / "manifest.jsonl", extractor,
                                                       args.cache_dir), args.data / split / "manifest.jsonl")
    train, val = load("train"), load("val")
    extra = tone_texts(args.tone_texts, args.seed)
    for start in tqdm(range(0, len(extra), 64), desc="tone texts"):
        batch = extra[start:start + 64]
        for row, tokens in zip(batch, extractor.text([r["text"] for r in batch])):
            row.update(text_tokens=tokens, image_tokens=None, audio_feats=None, text_cues=surface_cues(row["text"]))
    logs = {}
    for fusion, model in models.items():
        refitted, log = refit(model, train + extra, val, args.epochs, args.lr, args.batch_size, args.seed)
        out = refitted.save_pretrained(args.out / fusion)
        if (args.checkpoints / fusion / "training_log.json").exists():   # how the rest of the model was trained
            shutil.copy(args.checkpoints / fusion / "training_log.json", out / "training_log.json")
        log.update(tone_texts=len(extra), seed=args.seed)
        (out / "tone_log.json").write_text(json.dumps(log, indent=1) + "\n")
        logs[fusion] = log
        print(f"[adapt_tone] {fusion}: val tone {log['val_tone_before']:.4f} -> {log['val_tone_after']:.4f} "
              f"({out})")
    print(f"[adapt_tone] {time.time() - t0:.0f} s")
    return logs


if __name__ == "__main__":
    main()
