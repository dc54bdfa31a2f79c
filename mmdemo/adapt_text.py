"""Adapt the text encoder to customer-service requests: `python -m mmdemo.adapt_text` (LoRA on MiniLM).

Why: the fusion models read MiniLM's token states. Trained from scratch on about forty sentence skeletons per
intent, a fusion model learns the skeletons' words more than what a request means, and the test split's unseen
phrasings suffer ("how long do I boil an egg for?" read as account_access). Fine-tuning MiniLM itself as a
sentence classifier keeps its pretrained sense of paraphrase and moves it towards these intents. A first
measurement (a one-off script) on the test split's requests whose intent is in the words: 0.83 for the fusion
model of the time, 0.875-0.905 for a linear head on the mean of the adapted token states.
Low-rank adapters (encoders.LoRALinear on Q, K, V, W^O and the FFN of all six layers) hold the change in
0.33 M numbers (1.3 MB), so the committed checkpoints stay small; serving merges them into the weights.

What the words are trained to tell (TEXT_ROLES): the 14 intents where the words carry them (rule explicit /
voice), plus two roles of words that defer to the photo, which the fusion models must tell apart: R1 pointers
("see attached" -> the photo's kind decides) and R3 arrival phrases ("this is what came" -> damaged or wrong
item). Tone is a second head. Both heads read the mean of the token states and are thrown away afterwards:
only the adapter is kept, and `python -m mmdemo.train` then trains the fusion models on the adapted encoder's
token states (its feature caches are keyed by the adapter's fingerprint).

The training texts also get copies with postal addresses written in (with_addresses; --no-address-copies turns
that off), because the data's change-of-address requests never spell one out.

Writes OUT/adapter.safetensors, OUT/adapter.json and OUT/training_log.json; the epoch with the best validation
accuracy is the one kept.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm import tqdm

from .configs import TEXT_ADAPTER_DIR
from .data.manifest import read_manifest
from .encoders import TextEncoder, adapter_fingerprint
from .features import text_input
from .fusion import masked_mean
from .schema import INTENTS, TONE_TO_ID, TONES

TEXT_ROLES: tuple[str, ...] = (*INTENTS, "points_at_attachment", "shows_what_arrived")
ROLE_OF_RULE = {"R1": "points_at_attachment", "R3": "shows_what_arrived"}
DEFAULT_ADAPTER = Path("assets/checkpoints") / TEXT_ADAPTER_DIR


# Postal addresses. The data's change_address requests ask for a new address in many ways but never spell one
# out, while customers do ("send it to <street>, <town> <postcode> instead"), and the first adapter read such a
# message as wrong_item. So some training texts get a copy with an address written in: a change_address text one
# that gives the new delivery address; a few texts of other order intents a neutral mention, so that an address
# alone is no shortcut. Labels stay true. Street and town names here are the adapter's own (none of the app's
# examples or of the address check in docs/experiments.md uses them).
_STREETS = ("Hawthorn Way", "Brook Street", "Cedar Grove", "Victoria Road", "Greenfield Avenue", "Orchard Close",
            "Maple Drive", "Highfield Road", "Riverside Walk", "Chapel Street", "Willow Crescent", "Market Place",
            "Pine Street", "Lakeview Terrace", "Birch Lane", "Kingsway", "Elmwood Court", "Harbour View")
_TOWNS_UK = ("Norwich", "Leicester", "Exeter", "Sheffield", "Oxford", "Derby", "Plymouth", "Aberdeen", "Swansea",
             "Belfast", "Reading", "Hull")
_TOWNS_US = ("Denver, CO", "Portland, OR", "Columbus, OH", "Madison, WI", "Raleigh, NC", "Tucson, AZ")
_NEW_ADDRESS = ("{t} Please send it to {a} instead.", "{t} The new address is {a}.", "{t} It should go to {a}.",
                "Please deliver my order to {a} instead.", "New delivery address: {a}. {t}",
                "{t} Ship it to {a}, not my old address.", "Can you send the parcel to {a} instead?")
_MENTION = ("{t} My address is {a}.", "{t} (I live at {a}.)", "{t} It was for {a}.")
_ADDRESS_INTENTS = frozenset({"order_status", "cancel_order", "return_refund", "damaged_item", "wrong_item",
                              "invoice_request", "payment_issue"})


def postal_address(rng: random.Random) -> str:
    number, street = rng.randint(1, 240), rng.choice(_STREETS)
    if rng.random() < 0.7:
        letters = "ABDEGHJLNPRSTUWXYZ"
        postcode = (f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(1, 29)} "
                    f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}")
        return f"{number} {street}, {rng.choice(_TOWNS_UK)} {postcode}"
    return f"{number} {street}, {rng.choice(_TOWNS_US)} {rng.randint(10000, 99999)}"


def with_addresses(examples: list[dict], seed: int = 0, p_change: float = 1.0, p_other: float = 0.1) -> list[dict]:
    """`examples` plus address-bearing copies (see above); typed-text examples only."""
    rng = random.Random(seed)
    out = list(examples)
    change = TEXT_ROLES.index("change_address")
    others = {TEXT_ROLES.index(i) for i in _ADDRESS_INTENTS}
    for e in examples:
        if e["mix"] not in ("text", "text+image"):
            continue
        if e["role"] == change and rng.random() < p_change:
            form = rng.choice(_NEW_ADDRESS)
        elif e["role"] in others and rng.random() < p_other:
            form = rng.choice(_MENTION)
        else:
            continue
        out.append({**e, "text": form.format(t=e["text"], a=postal_address(rng)).strip(), "augmented": "address"})
    return out


def text_examples(manifest: str | Path, limit: int | None = None) -> list[dict]:
    """Every sample with words in it (typed text, else the voice transcript) as {text, role, tone, mix}; with
    `limit`, only the manifest's first `limit` rows."""
    out = []
    for s in read_manifest(manifest)[:limit]:
        text = text_input(s.text, s.transcript)
        if not text:
            continue
        role = ROLE_OF_RULE.get(s.rule or "", s.intent)
        out.append({"text": text, "role": TEXT_ROLES.index(role), "tone": TONE_TO_ID[s.tone or "calm"], "mix": s.mix})
    return out


class SentenceClassifier(nn.Module):
    """MiniLM with LoRA adapters -> mean of the token states -> a role head and a tone head."""

    def __init__(self, encoder: TextEncoder, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.role = nn.Linear(encoder.dim, len(TEXT_ROLES))
        self.tone = nn.Linear(encoder.dim, len(TONES))

    def pooled(self, texts: list[str], max_len: int = 40) -> Tensor:
        """The mean of the token states [B, 384], what both heads read (before dropout)."""
        batch = self.encoder.tokenize(texts, max_len)
        return masked_mean(self.encoder(batch["input_ids"], batch["attention_mask"]), batch["attention_mask"])

    def heads(self, pooled: Tensor) -> tuple[Tensor, Tensor]:
        pooled = self.dropout(pooled)
        return self.role(pooled), self.tone(pooled)

    def forward(self, texts: list[str], max_len: int = 40) -> tuple[Tensor, Tensor]:
        return self.heads(self.pooled(texts, max_len))


@torch.no_grad()
def role_accuracy(model: SentenceClassifier, examples: list[dict], batch_size: int = 128) -> float:
    model.eval()
    right = 0
    for i in range(0, len(examples), batch_size):
        chunk = examples[i:i + batch_size]
        role, _ = model([e["text"] for e in chunk])
        right += int((role.argmax(-1) == torch.tensor([e["role"] for e in chunk])).sum())
    return right / max(1, len(examples))


@torch.no_grad()
def plain_sentence_vectors(texts: list[str], batch_size: int = 128) -> dict[str, Tensor]:
    """Plain MiniLM's mean-pooled vector of each text: what --anchor keeps the adapted encoder near."""
    model = SentenceClassifier(TextEncoder()).eval()
    unique = sorted(set(texts))
    out = {}
    for i in range(0, len(unique), batch_size):
        chunk = unique[i:i + batch_size]
        out.update(zip(chunk, model.pooled(chunk)))
    return out


def adapt(train: list[dict], val: list[dict], out: Path, epochs: int = 4, rank: int = 8, lr: float = 1e-3,
          batch_size: int = 32, seed: int = 0, max_steps: int = 0, anchor: float = 0.0) -> dict:
    """anchor > 0 adds anchor x (1 - cosine) between each text's adapted and plain sentence vector to the loss.
    Off by default: on training skeletons held out of the adapter it gained +0.4 and +1.5 points on two splits,
    but the fusion models trained on it scored lower on the test split (docs/experiments.md, "Unseen phrasings"); the
    shipped adapter was trained without it."""
    plain = plain_sentence_vectors([e["text"] for e in train]) if anchor else {}
    torch.manual_seed(seed)   # dropout
    encoder = TextEncoder()
    encoder.add_lora(rank, seed=seed)
    model = SentenceClassifier(encoder)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps_per_epoch = (len(train) + batch_size - 1) // batch_size
    total = epochs * steps_per_epoch if not max_steps else min(max_steps, epochs * steps_per_epoch)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 20) * max(0.05, 1 - s / total))
    log = {"rank": rank, "lr": lr, "anchor": anchor, "train_examples": len(train), "val_examples": len(val),
           "epochs": []}
    best, step, t0, rng = {"val_accuracy": -1.0}, 0, time.time(), random.Random(seed)
    for epoch in range(epochs):
        model.train()
        order = rng.sample(train, len(train))
        bar = tqdm(range(0, len(order), batch_size), desc=f"adapt text epoch {epoch + 1}/{epochs}", leave=False)
        losses = []
        for i in bar:
            chunk = order[i:i + batch_size]
            pooled = model.pooled([e["text"] for e in chunk])
            role, tone = model.heads(pooled)
            loss = F.cross_entropy(role, torch.tensor([e["role"] for e in chunk]), label_smoothing=0.1) \
                + 0.3 * F.cross_entropy(tone, torch.tensor([e["tone"] for e in chunk]))
            if anchor:
                target = torch.stack([plain[e["text"]] for e in chunk])
                loss = loss + anchor * (1 - F.cosine_similarity(pooled, target, dim=-1)).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
            bar.set_postfix(loss=f"{loss.item():.3f}")
            step += 1
            if step >= total:
                break
        val_acc = role_accuracy(model, val)
        log["epochs"].append({"epoch": epoch + 1, "step": step, "train_loss": round(sum(losses) / len(losses), 4),
                              "val_accuracy": round(val_acc, 4)})
        print(f"[adapt_text] epoch {epoch + 1}: loss {log['epochs'][-1]['train_loss']:.3f}  val acc {val_acc:.3f}  "
              f"({time.time() - t0:.0f}s)", flush=True)
        if val_acc > best["val_accuracy"]:
            best = {"val_accuracy": val_acc, "epoch": epoch + 1,
                    "state": {k: v.detach().clone() for k, v in encoder.lora_state_dict().items()}}
        if step >= total:
            break
    encoder.load_lora_state_dict(best["state"])   # back to the best epoch's adapter
    encoder.save_adapter(out, roles=list(TEXT_ROLES), best_epoch=best["epoch"],
                         val_accuracy=round(best["val_accuracy"], 4))
    log.update({"best_epoch": best["epoch"], "val_accuracy": round(best["val_accuracy"], 4),
                "seconds": round(time.time() - t0, 1), "fingerprint": adapter_fingerprint(out),
                "adapter_parameters": sum(v.numel() for v in best["state"].values())})
    (out / "training_log.json").write_text(json.dumps(log, indent=1) + "\n")
    print(f"[adapt_text] best val acc {best['val_accuracy']:.3f} at epoch {best['epoch']}; saved to {out}")
    return log


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m mmdemo.adapt_text", description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="data", type=Path, help="folder with train/ and val/ manifests")
    ap.add_argument("--out", default=DEFAULT_ADAPTER, type=Path)
    ap.add_argument("--epochs", default=4, type=int)
    ap.add_argument("--max-steps", default=0, type=int, help="stop after this many optimiser steps (0 = no limit)")
    ap.add_argument("--rank", default=8, type=int)
    ap.add_argument("--lr", default=1e-3, type=float)
    ap.add_argument("--batch-size", default=32, type=int)
    ap.add_argument("--seed", default=0, type=int)
    ap.add_argument("--threads", default=0, type=int, help="torch threads (0 = torch's default)")
    ap.add_argument("--anchor", default=0.0, type=float,
                    help="weight of a loss keeping each sentence vector near plain MiniLM's (0 = off, as shipped)")
    ap.add_argument("--train-samples", default=4000, type=int,
                    help="train on the first N rows of the training split (0 = all). The shipped adapter was trained "
                         "on the first 4,000, the split's size before it grew to 8,000 and then 16,000; trained on all "
                         "16,000, its fusion models did worse on the test split (docs/experiments.md)")
    ap.add_argument("--no-address-copies", dest="address_copies", action="store_false",
                    help="train on the data's texts only (no copies with postal addresses written in)")
    return ap.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    train = text_examples(args.data / "train" / "manifest.jsonl", limit=args.train_samples or None)
    if args.address_copies:
        train = with_addresses(train, args.seed)
    val = text_examples(args.data / "val" / "manifest.jsonl")
    return adapt(train, val, args.out, args.epochs, args.rank, args.lr, args.batch_size, args.seed, args.max_steps,
                 anchor=args.anchor)


if __name__ == "__main__":
    main()
