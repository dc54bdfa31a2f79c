"""Self-supervised pretraining of the attention-fusion backbone: `python -m mmdemo.pretrain`.

    python -m mmdemo.pretrain --data data --out runs/pretrain --max-steps 400
    python -m mmdemo.train --fusion attention --init runs/pretrain/attention      # fine-tune it

Three objectives on the unlabelled pool (the builder's training samples with every label withheld: only the
text, the image and the voice are read), each computed on the fused token states of the attention fusion:

* Masked language modelling (MLM). Word pieces are masked in the INPUT IDS (BERT's 80/10/10 scheme) and the
  masked text goes through the frozen MiniLM, because masking its output would leak each token through its
  neighbours' contextual states. As MiniLM is frozen, a few masked variants per sample are computed once and
  cached. A head predicts the original ids from the fused text states, which see the rest of the text, the
  image and the voice. Its output layer covers the word pieces the pool uses (the rest can never be a target);
  it belongs to the pretraining head, not to the backbone checkpoint.
* Image/voice-text matching (ITM). The fused [CLS] state says whether the image (or the voice recording)
  belongs with the text. Negatives swap one of them within the batch; half of the image swaps are hard
  negatives: the most similar other image of the batch by pooled frozen features, a label-free stand-in for
  "an image of the same kind" (the log reports how often it really is one, from the labels, for information).
* Masked region modelling (MRM). About a fifth of the 7x7 image patch tokens are zeroed (their position
  embedding stays) and a head regresses their frozen EfficientNet features, standardised per channel.

Only the backbone trains with the heads: audio encoder, modality aligner and fusion Transformer. It is saved as
a MultimodalModel folder (fusion "attention", task heads freshly initialised) that `train --init` loads, plus
pretraining_heads.safetensors and pretraining_log.json. The loop is train.py's: accelerate (one or two CPU
processes), tqdm bars, warmup + cosine schedule, a JSON log of per-step losses and per-epoch validation metrics.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch import Tensor, nn
from torch.utils.data import DataLoader
from tqdm import tqdm

from .configs import MODEL_CONFIGS, ModelConfig
from .features import build_feature_cache
from .fusion import AttentionFusion
from .model import ModelInputs, MultimodalModel
from .train import warmup_cosine

OBJECTIVES = ("mlm", "itm", "mrm")
LOSS_WEIGHTS = {"mlm": 1.0, "itm": 1.0, "mrm": 1.0}
MLM_VARIANTS = 3        # cached masked copies of each text
MLM_PROB = 0.15         # share of word pieces masked (at least one per text)
MRM_PROB = 0.2          # share of image patches masked
HARD_NEGATIVE_SHARE = 0.5
HEADS_NAME = "pretraining_heads.safetensors"
LOG_NAME = "pretraining_log.json"
UNLABELLED_KEYS = ("id", "text", "text_tokens", "image_tokens", "audio_feats")


def withhold_labels(items: list[dict]) -> list[dict]:
    """The unlabelled pool: keep only what a customer sends (no intent, image kind, tone, rule or mix)."""
    return [{k: it[k] for k in UNLABELLED_KEYS} for it in items]


# ------------------------------------------------------------------------------------------- MLM cache
def mask_ids(ids: list[int], rng: random.Random, special: set[int], mask_id: int, vocab_size: int,
             prob: float = MLM_PROB) -> tuple[list[int], list[int]]:
    """BERT masking: choose ~prob of the non-special positions (at least one); of those 80% -> [MASK],
    10% -> a random id, 10% unchanged. Returns (masked ids, chosen positions)."""
    candidates = [i for i, t in enumerate(ids) if t not in special]
    if not candidates:
        return list(ids), []
    k = max(1, round(prob * len(candidates)))
    positions = sorted(rng.sample(candidates, k))
    out = list(ids)
    for p in positions:
        r = rng.random()
        if r < 0.8:
            out[p] = mask_id
        elif r < 0.9:
            out[p] = rng.randrange(vocab_size)
    return out, positions


def _mlm_cache_key(items: list[dict], n_variants: int, prob: float, seed: int, max_len: int) -> str:
    h = hashlib.sha1(f"v1:{n_variants}:{prob}:{seed}:{max_len}".encode())
    for it in items:
        h.update(f"{it['id']}\x00{it['text']}\x01".encode())
    return h.hexdigest()[:12]


@torch.inference_mode()
def build_mlm_cache(items: list[dict], cache_dir: str | Path, text_encoder=None, n_variants: int = MLM_VARIANTS,
                    prob: float = MLM_PROB, seed: int = 0, max_len: int = 40, batch_size: int = 64) -> dict:
    """{"variants": {id: [{"tokens": fp16 [L, 384] states of the MASKED text, "pos": [k], "target": [k] ids}]},
    "vocab": sorted ids seen in these texts}. Cached on disk, keyed by the texts and the masking settings."""
    path = Path(cache_dir) / f"mlm-{_mlm_cache_key(items, n_variants, prob, seed, max_len)}.pt"
    if path.exists():
        return torch.load(path, weights_only=False)
    if text_encoder is None:
        from .encoders import TextEncoder

        text_encoder = TextEncoder()
    tok = text_encoder.tokenizer
    special = set(tok.all_special_ids)
    with_text = [it for it in items if it["text_tokens"] is not None and it["text"].strip()]
    jobs, vocab = [], set()
    for it in with_text:
        ids = tok(it["text"], truncation=True, max_length=max_len)["input_ids"]
        if len(ids) != it["text_tokens"].shape[0]:
            raise ValueError(f"{it['id']}: {len(ids)} ids but {it['text_tokens'].shape[0]} cached states")
        vocab.update(t for t in ids if t not in special)
        rng = random.Random(f"{seed}/{it['id']}")
        for _ in range(n_variants):
            masked, pos = mask_ids(ids, rng, special, tok.mask_token_id, tok.vocab_size, prob)
            if pos:
                jobs.append((it["id"], masked, pos, [ids[p] for p in pos]))
    variants: dict[str, list[dict]] = {}
    for start in tqdm(range(0, len(jobs), batch_size), desc="MLM: masked texts through MiniLM"):
        chunk = jobs[start:start + batch_size]
        width = max(len(j[1]) for j in chunk)
        ids = torch.tensor([j[1] + [tok.pad_token_id] * (width - len(j[1])) for j in chunk])
        attn = torch.tensor([[1] * len(j[1]) + [0] * (width - len(j[1])) for j in chunk])
        states = text_encoder(ids, attn)
        for row, (sid, masked, pos, target) in enumerate(chunk):
            variants.setdefault(sid, []).append({"tokens": states[row, : len(masked)].to(torch.float16).clone(),
                                                 "pos": torch.tensor(pos), "target": torch.tensor(target)})
    cache = {"variants": variants, "vocab": sorted(vocab), "tokenizer_size": tok.vocab_size}
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(cache, path)
    return cache


# ------------------------------------------------------------------------------------------- data
@dataclass
class PretrainBatch:
    inputs: ModelInputs          # the unmasked sample
    mlm_text: Tensor             # [B, Lt, 384] states of the masked text (= inputs.text_tokens where no variant)
    mlm_targets: Tensor          # [B, Lt] original token ids at masked positions, -1 elsewhere
    mrm_mask: Tensor             # [B, 49] bool: masked patches (only for samples with an image)

    def to(self, device) -> "PretrainBatch":
        return PretrainBatch(self.inputs.to(device), self.mlm_text.to(device), self.mlm_targets.to(device),
                             self.mrm_mask.to(device))


class PretrainDataset(torch.utils.data.Dataset):
    """Each draw picks one cached MLM variant and a fresh patch mask, seeded by (seed, epoch, index)."""

    def __init__(self, items: list[dict], variants: dict[str, list[dict]], seed: int, n_patches: int = 49,
                 mrm_prob: float = MRM_PROB):
        self.items, self.variants, self.seed, self.epoch = items, variants, seed, 0
        self.n_patches, self.mrm_prob = n_patches, mrm_prob

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        rng = random.Random(self.seed * 1_000_003 + self.epoch * 10_007 + i)
        item = self.items[i]
        options = self.variants.get(item["id"]) or [None]
        patches = torch.zeros(self.n_patches, dtype=torch.bool)
        if item["image_tokens"] is not None:
            k = max(1, round(self.mrm_prob * self.n_patches))
            patches[rng.sample(range(self.n_patches), k)] = True
        return {**item, "mlm": rng.choice(options), "mrm_mask": patches}


def collate_pretrain(items: list[dict]) -> PretrainBatch:
    f32 = lambda t: None if t is None else t.float()
    inputs = ModelInputs.collate([{k: f32(it[k]) for k in ("text_tokens", "image_tokens", "audio_feats")}
                                  for it in items])
    mlm_text = inputs.text_tokens.clone()
    targets = torch.full(inputs.text_mask.shape, -1, dtype=torch.long)
    for i, it in enumerate(items):
        v = it["mlm"]
        if v is not None:
            mlm_text[i, : v["tokens"].shape[0]] = v["tokens"].float()
            targets[i, v["pos"]] = v["target"]
    return PretrainBatch(inputs, mlm_text, targets, torch.stack([it["mrm_mask"] for it in items]))


# ------------------------------------------------------------------------------------------- model
class PretrainingHeads(nn.Module):
    """The three objectives' heads. Not part of the backbone checkpoint."""

    def __init__(self, d_model: int, vocab: list[int], tokenizer_size: int, image_dim: int = 1280):
        super().__init__()
        self.register_buffer("vocab", torch.tensor(vocab, dtype=torch.long))
        id_to_class = torch.full((tokenizer_size,), -1, dtype=torch.long)
        id_to_class[self.vocab] = torch.arange(len(vocab))
        self.register_buffer("id_to_class", id_to_class)
        block = lambda n_out: nn.Sequential(nn.Linear(d_model, d_model), nn.GELU(), nn.LayerNorm(d_model),
                                            nn.Linear(d_model, n_out))
        self.mlm = block(len(vocab))
        self.mrm = block(image_dim)
        self.itm = nn.Linear(d_model, 1)
        self.register_buffer("feature_mean", torch.zeros(image_dim))
        self.register_buffer("feature_std", torch.ones(image_dim))

    def set_feature_stats(self, image_tokens: list[Tensor]) -> None:
        """Per-channel mean / std of the frozen image features, so the MRM target is on a unit scale. The std
        is floored at a tenth of the overall std: channels that are almost never active in the pool must not
        blow up the loss of the rare image that activates them."""
        if not image_tokens:
            return
        n, total, squares = 0, 0.0, 0.0
        for t in image_tokens:
            x = t.float().reshape(-1, t.shape[-1]).double()
            n, total, squares = n + x.shape[0], total + x.sum(0), squares + (x * x).sum(0)
        mean = total / n
        var = (squares / n - mean * mean).clamp(min=0)
        overall = float((squares.sum() / (n * mean.numel()) - (mean.mean()) ** 2).clamp(min=1e-12) ** 0.5)
        self.feature_mean.copy_(mean.float())
        self.feature_std.copy_(var.sqrt().float().clamp(min=0.1 * overall))


def _used(head: nn.Module, d_model: int) -> Tensor:
    """A zero that still touches every parameter of `head`, for a batch where its objective has no target
    (DistributedDataParallel requires every parameter to take part in each step)."""
    return head(next(head.parameters()).new_zeros(1, d_model)).sum() * 0.0


class PretrainModel(nn.Module):
    """The backbone parts of a MultimodalModel (shared, not copied) + the pretraining heads. forward(batch)
    returns the losses and metrics of the three objectives."""

    def __init__(self, model: MultimodalModel, heads: PretrainingHeads, hard_share: float = HARD_NEGATIVE_SHARE):
        super().__init__()
        if not isinstance(model.fusion, AttentionFusion):
            raise ValueError(f"pretraining needs the attention fusion, not {model.config.fusion!r}")
        self.audio_encoder, self.aligner, self.fusion = model.audio_encoder, model.aligner, model.fusion
        self.heads, self.hard_share = heads, hard_share

    def states(self, text, text_mask, image, image_mask, audio, audio_mask) -> tuple[Tensor, dict]:
        """All fused token states [B, N, d] (AttentionFusion keeps only [CLS]) and their segments."""
        tokens = self.aligner(text, text_mask, image, image_mask, audio, audio_mask)
        seq = torch.cat([tokens.cls, tokens.text, tokens.image, tokens.audio], dim=1)
        mask = torch.cat([torch.ones_like(tokens.text_mask[:, :1]), tokens.text_mask, tokens.image_mask,
                          tokens.audio_mask], dim=1)
        x, _ = self.fusion.encoder(seq, mask)
        return x, AttentionFusion.segments(tokens)

    def forward(self, batch: PretrainBatch, generator: torch.Generator | None = None) -> dict[str, Tensor]:
        inp = batch.inputs
        audio, audio_mask = self.audio_encoder(inp.audio_feats, inp.audio_mask)   # once, shared by all passes
        has_text, has_image, has_audio = inp.text_mask.any(1), inp.image_mask, audio_mask.any(1)
        out = {}
        out.update(self._mlm(batch, audio, audio_mask, has_text))
        out.update(self._mrm(batch, audio, audio_mask, has_image))
        out.update(self._itm(batch, audio, audio_mask, has_text, has_image, has_audio, generator))
        out["loss"] = sum(LOSS_WEIGHTS[k] * out[k] for k in OBJECTIVES)
        return out

    def _mlm(self, batch, audio, audio_mask, has_text) -> dict[str, Tensor]:
        inp, heads = batch.inputs, self.heads
        targets = batch.mlm_targets.clamp(min=0)
        classes = torch.where(batch.mlm_targets >= 0, heads.id_to_class[targets], -1)[:, : self.aligner.config.max_text_len]
        rows = (classes >= 0).any(1) & has_text
        if not rows.any():
            z = _used(heads.mlm, self.aligner.config.d_model)
            return {"mlm": z, "mlm_accuracy": z.detach(), "mlm_n": z.new_zeros(())}
        x, seg = self.states(batch.mlm_text[rows], inp.text_mask[rows], inp.image_tokens[rows], inp.image_mask[rows],
                             audio[rows], audio_mask[rows])
        t0, t1 = seg["text"]
        sel = classes[rows][:, : t1 - t0] >= 0
        logits = heads.mlm(x[:, t0:t1][sel])
        target = classes[rows][:, : t1 - t0][sel]
        return {"mlm": F.cross_entropy(logits, target), "mlm_accuracy": (logits.argmax(-1) == target).float().mean(),
                "mlm_n": torch.tensor(float(target.numel()))}

    def _mrm(self, batch, audio, audio_mask, has_image) -> dict[str, Tensor]:
        inp, heads = batch.inputs, self.heads
        rows = has_image & batch.mrm_mask.any(1)
        if not rows.any():
            z = _used(heads.mrm, self.aligner.config.d_model)
            return {"mrm": z, "mrm_n": z.new_zeros(())}
        patches = batch.mrm_mask[rows]
        image = inp.image_tokens[rows]
        masked = image.masked_fill(patches[..., None], 0.0)
        x, seg = self.states(inp.text_tokens[rows], inp.text_mask[rows], masked, inp.image_mask[rows], audio[rows],
                             audio_mask[rows])
        i0, i1 = seg["image"]
        pred = heads.mrm(x[:, i0:i1][patches])
        target = (image[patches] - heads.feature_mean) / heads.feature_std
        return {"mrm": F.mse_loss(pred, target), "mrm_n": torch.tensor(float(target.shape[0]))}

    def _itm(self, batch, audio, audio_mask, has_text, has_image, has_audio, generator) -> dict[str, Tensor]:
        """Positives: samples with text and an image or a voice. Negatives: the same with the image (or the voice)
        swapped for another sample's; half of the image swaps take the most similar image of the batch."""
        inp = batch.inputs
        g = generator
        img_idx = torch.nonzero(has_image).flatten()
        aud_idx = torch.nonzero(has_audio).flatten()
        pooled = F.normalize(inp.image_tokens.mean(1), dim=-1)
        sim = pooled @ pooled.T
        rows, swap_img, swap_aud = [], [], []
        for i in torch.nonzero(has_text & (has_image | has_audio)).flatten().tolist():
            options = []
            if has_image[i] and len(img_idx) > 1:
                options.append("image")
            if has_audio[i] and len(aud_idx) > 1:
                options.append("audio")
            if not options:
                continue
            kind = options[int(torch.randint(len(options), (1,), generator=g))]
            j_img, j_aud = i, i
            if kind == "image":
                others = img_idx[img_idx != i]
                if float(torch.rand((1,), generator=g)) < self.hard_share:
                    s = sim[i, others].masked_fill(sim[i, others] > 0.9999, -2.0)   # not an identical picture
                    j_img = int(others[s.argmax()])
                else:
                    j_img = int(others[torch.randint(len(others), (1,), generator=g)])
            else:
                others = aud_idx[aud_idx != i]
                j_aud = int(others[torch.randint(len(others), (1,), generator=g)])
            rows.append(i)
            swap_img.append(j_img)
            swap_aud.append(j_aud)
        if not rows:
            z = _used(self.heads.itm, self.aligner.config.d_model)
            return {"itm": z, "itm_accuracy": z.detach(), "itm_n": z.new_zeros(())}
        pos = torch.tensor(rows)
        si, sa = torch.tensor(swap_img), torch.tensor(swap_aud)
        idx_text = torch.cat([pos, pos])
        idx_img = torch.cat([pos, si])
        idx_aud = torch.cat([pos, sa])
        x, _ = self.states(inp.text_tokens[idx_text], inp.text_mask[idx_text], inp.image_tokens[idx_img],
                           inp.image_mask[idx_img], audio[idx_aud], audio_mask[idx_aud])
        logits = self.heads.itm(x[:, 0]).squeeze(-1)
        labels = torch.cat([torch.ones(len(rows)), torch.zeros(len(rows))]).to(logits)
        return {"itm": F.binary_cross_entropy_with_logits(logits, labels),
                "itm_accuracy": ((logits > 0).to(labels) == labels).float().mean(),
                "itm_n": torch.tensor(float(len(labels)))}


# ------------------------------------------------------------------------------------------- loop
@torch.no_grad()
def evaluate_pretraining(model: PretrainModel, items: list[dict], variants: dict, seed: int = 12345,
                         batch_size: int = 64) -> dict[str, float]:
    """Validation losses / accuracies with fixed masks and negatives (the same every epoch)."""
    model.eval()
    dataset = PretrainDataset(items, variants, seed)
    g = torch.Generator().manual_seed(seed)
    sums: dict[str, float] = {}
    counts: dict[str, float] = {}
    for start in range(0, len(dataset), batch_size):
        batch = collate_pretrain([dataset[i] for i in range(start, min(len(dataset), start + batch_size))])
        out = model(batch, generator=g)
        for key, n_key, names in (("mlm", "mlm_n", ("mlm", "mlm_accuracy")), ("itm", "itm_n", ("itm", "itm_accuracy")),
                                  ("mrm", "mrm_n", ("mrm",))):
            n = float(out[n_key])
            for name in names:
                sums[name] = sums.get(name, 0.0) + float(out[name]) * n
            counts[key] = counts.get(key, 0.0) + n
    model.train()
    return {f"val_{name}": round(total / max(counts[name.split("_")[0]], 1.0), 4) for name, total in sums.items()}


def hard_negative_kind_rate(items: list[dict], kinds: dict[str, str], seed: int = 0, batch_size: int = 64) -> float | None:
    """For information only (labels are not used to train): how often the "most similar image of the batch"
    hard negative has the same image kind as the sample's own image."""
    with_img = [it for it in items if it["image_tokens"] is not None and it["id"] in kinds]
    rng = random.Random(seed)
    rng.shuffle(with_img)
    same = total = 0
    for start in range(0, len(with_img), batch_size):
        chunk = with_img[start:start + batch_size]
        if len(chunk) < 2:
            continue
        pooled = F.normalize(torch.stack([it["image_tokens"].float().mean(0) for it in chunk]), dim=-1)
        sim = (pooled @ pooled.T).fill_diagonal_(-2.0)
        sim = sim.masked_fill(sim > 0.9999, -2.0)
        for i, j in enumerate(sim.argmax(1).tolist()):
            same += kinds[chunk[i]["id"]] == kinds[chunk[j]["id"]]
            total += 1
    return round(same / total, 4) if total else None


def pretrain(pool: list[dict], val: list[dict], args, accelerator: Accelerator, text_encoder=None,
             image_kinds: dict[str, str] | None = None) -> dict:
    """Pretrain on the (label-free) pool; validate on `val`; save the backbone to args.out / "attention"."""
    set_seed(args.seed)
    config = ModelConfig.from_dict({**MODEL_CONFIGS["attention"].to_dict(), **(args.config_overrides or {})})
    model = MultimodalModel.from_pretrained(args.init) if args.init else MultimodalModel(config)
    if model.config.fusion != "attention":
        raise SystemExit(f"pretraining is for the attention fusion, not {model.config.fusion!r}")
    config = model.config
    with accelerator.main_process_first():
        mlm = build_mlm_cache(pool + val, args.cache_dir, text_encoder, n_variants=args.mlm_variants, seed=args.seed,
                              max_len=config.max_text_len)
    pool_ids = {it["id"] for it in pool}
    vocab = sorted({int(t) for sid, vs in mlm["variants"].items() if sid in pool_ids for v in vs for t in v["target"]})
    heads = PretrainingHeads(config.d_model, vocab, mlm["tokenizer_size"], config.image_dim)
    heads.set_feature_stats([it["image_tokens"] for it in pool if it["image_tokens"] is not None])
    pmodel = PretrainModel(model, heads)
    model.train()

    dataset = PretrainDataset(pool, mlm["variants"], args.seed)
    loader = DataLoader(dataset, batch_size=args.batch_size, shuffle=True, collate_fn=collate_pretrain,
                        generator=torch.Generator().manual_seed(args.seed))
    optimizer = torch.optim.AdamW(pmodel.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    total_steps = args.epochs * math.ceil(len(dataset) / (args.batch_size * accelerator.num_processes))
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)
    scheduler = warmup_cosine(optimizer, total_steps)
    pmodel, optimizer, loader, scheduler = accelerator.prepare(pmodel, optimizer, loader, scheduler)
    negatives = torch.Generator().manual_seed(args.seed + accelerator.process_index)

    log = {"kind": "pretraining", "fusion": "attention", "objectives": list(OBJECTIVES), "loss_weights": LOSS_WEIGHTS,
           "world_size": accelerator.num_processes, "pool_samples": len(pool), "val_samples": len(val),
           "mlm": {"variants_per_text": args.mlm_variants, "mask_prob": MLM_PROB, "vocab": len(vocab)},
           "mrm": {"mask_prob": MRM_PROB}, "itm": {"hard_negative_share": HARD_NEGATIVE_SHARE},
           "steps": [], "epochs": []}
    if image_kinds:
        log["itm"]["hard_negative_same_kind_rate"] = hard_negative_kind_rate(pool, image_kinds, args.seed)
    unwrapped = accelerator.unwrap_model(pmodel)
    log["epochs"].append({"epoch": 0, "step": 0, **evaluate_pretraining(unwrapped, val, mlm["variants"])})
    step, t0 = 0, time.time()
    for epoch in range(args.epochs):
        dataset.epoch = epoch
        bar = tqdm(loader, desc=f"pretrain epoch {epoch + 1}/{args.epochs}", leave=False,
                   disable=not accelerator.is_local_main_process)
        for batch in bar:
            out = pmodel(batch, generator=negatives)
            optimizer.zero_grad()
            accelerator.backward(out["loss"])
            accelerator.clip_grad_norm_(pmodel.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            values = torch.stack([out[k].detach().reshape(()) for k in ("loss", *OBJECTIVES)])
            values = accelerator.gather(values.reshape(1, -1)).mean(0).tolist()
            row = {"step": step, **{k: round(v, 4) for k, v in zip(("loss", *OBJECTIVES), values)}}
            log["steps"].append(row)
            bar.set_postfix({k: f"{row[k]:.3f}" for k in OBJECTIVES})
            if args.max_steps and step >= args.max_steps:
                break
        metrics = evaluate_pretraining(unwrapped, val, mlm["variants"])
        recent = log["steps"][-len(loader):]
        log["epochs"].append({"epoch": epoch + 1, "step": step, **metrics,
                              "train_loss": round(float(np.mean([s["loss"] for s in recent])), 4)})
        accelerator.print(f"[pretrain] epoch {epoch + 1} step {step}: "
                          + "  ".join(f"{k} {v:.3f}" for k, v in metrics.items()) + f"  ({time.time() - t0:.0f}s)")
        if args.max_steps and step >= args.max_steps:
            break
    log.update({"seconds": round(time.time() - t0, 1), "total_steps": step,
                "backbone_parameters": sum(p.numel() for n, p in unwrapped.named_parameters() if not n.startswith("heads.")),
                "head_parameters": sum(p.numel() for p in unwrapped.heads.parameters())})
    out_dir = Path(args.out) / "attention"
    if accelerator.is_main_process:
        from safetensors.torch import save_file

        model.save_pretrained(out_dir)
        save_file({k: v.detach().cpu().contiguous() for k, v in unwrapped.heads.state_dict().items()},
                  str(out_dir / HEADS_NAME))
        (out_dir / LOG_NAME).write_text(json.dumps(log, indent=1))
    accelerator.print(f"[pretrain] {step} steps in {log['seconds']:.0f}s; backbone saved to {out_dir}")
    accelerator.wait_for_everyone()
    return log


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m mmdemo.pretrain", description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="data", type=Path, help="folder with train/ (the pool) and val/ manifests")
    ap.add_argument("--pool", default=None, help="comma-separated manifests for the unlabelled pool "
                                                  "(default: DATA/train/manifest.jsonl; labels are never read)")
    ap.add_argument("--out", default="runs/pretrain", type=Path, help="the backbone goes to OUT/attention")
    ap.add_argument("--cache-dir", default=".cache/features", type=Path)
    ap.add_argument("--epochs", default=20, type=int)
    ap.add_argument("--max-steps", default=0, type=int, help="stop after this many optimiser steps (0 = no limit)")
    ap.add_argument("--batch-size", default=64, type=int)
    ap.add_argument("--lr", default=5e-4, type=float)
    ap.add_argument("--weight-decay", default=0.01, type=float)
    ap.add_argument("--val-samples", default=256, type=int, help="validation pool size (val split, labels withheld)")
    ap.add_argument("--mlm-variants", default=MLM_VARIANTS, type=int)
    ap.add_argument("--seed", default=0, type=int)
    ap.add_argument("--threads", default=0, type=int, help="torch threads (0 = torch's default); 1 is much "
                                                           "faster when other jobs share the cores")
    ap.add_argument("--init", default=None, type=Path, help="continue from this attention checkpoint folder")
    ap.add_argument("--config", default=None, help='JSON overrides of the model config, e.g. \'{"d_model": 64}\'')
    args = ap.parse_args(argv)
    args.config_overrides = json.loads(args.config) if args.config else None
    return args


def load_pool(args) -> tuple[list[dict], list[dict], dict[str, str]]:
    """(pool, val pool) with labels withheld, and {id: image kind} kept apart for the log's diagnostic only."""
    manifests = [Path(p) for p in args.pool.split(",")] if args.pool else [args.data / "train" / "manifest.jsonl"]
    raw = [it for m in manifests for it in build_feature_cache(m, cache_dir=args.cache_dir)]
    val_raw = build_feature_cache(args.data / "val" / "manifest.jsonl", cache_dir=args.cache_dir)
    val_raw = random.Random(args.seed).sample(val_raw, min(args.val_samples, len(val_raw)))
    from .schema import IMAGE_KIND_LABELS

    kinds = {it["id"]: IMAGE_KIND_LABELS[it["image_kind"]] for it in raw if it["image_tokens"] is not None}
    return withhold_labels(raw), withhold_labels(val_raw), kinds


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    accelerator = Accelerator(cpu=True)
    accelerator.print(f"accelerate: {accelerator.num_processes} process(es), device {accelerator.device}")
    with accelerator.main_process_first():
        pool, val, kinds = load_pool(args)
    return pretrain(pool, val, args, accelerator, image_kinds=kinds)


if __name__ == "__main__":
    main()
