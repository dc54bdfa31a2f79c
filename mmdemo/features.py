"""Frozen-encoder features and their on-disk cache.

With the pretrained encoders frozen, their outputs never change during training, so each sample's text token
states, image patch tokens and audio Fbank frames are computed once and cached (fp16). Training all four fusion
strategies then costs only the small trainable part. The extraction path here is the one inference uses, so
training and serving see identical features.
"""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from . import limits
from .configs import IMAGE_SIZE
from .data.manifest import Sample, read_manifest
from .schema import IMAGE_KIND_TO_ID, INTENT_TO_ID, TONE_TO_ID


def text_input(typed: str | None, transcript: str | None) -> str:
    """What the text branch reads: the typed message, then the voice transcript."""
    return " ".join(part.strip() for part in (typed or "", transcript or "") if part and part.strip())


class FeatureExtractor:
    """The three frozen front ends in one place: MiniLM token states, EfficientNet patch tokens, Fbank frames."""

    def __init__(self, text_encoder=None, image_encoder=None, featurizer=None, max_text_len: int = 40,
                 image_size: int = IMAGE_SIZE, text_adapter: str | Path | None = None,
                 image_top: str | Path | None = None):
        from .encoders import AudioFeaturizer, ImageEncoder, TextEncoder

        self.text_encoder = (text_encoder or TextEncoder(adapter=text_adapter)).eval()
        self.image_encoder = (image_encoder or ImageEncoder(size=image_size, top=image_top)).eval()
        self.featurizer = featurizer or AudioFeaturizer()
        self.max_text_len = max_text_len

    @torch.inference_mode()
    def text(self, texts: Sequence[str]) -> list[torch.Tensor | None]:
        """Token states [L, 384] per text (padding removed); None for an empty text."""
        out: list[torch.Tensor | None] = [None] * len(texts)
        idx = [i for i, t in enumerate(texts) if t and t.strip()]
        if idx:
            enc = self.text_encoder.tokenize([texts[i] for i in idx], max_len=self.max_text_len)
            states = self.text_encoder(enc["input_ids"], enc["attention_mask"])
            for row, i in enumerate(idx):
                n = int(enc["attention_mask"][row].sum())
                out[i] = states[row, :n]
        return out

    @torch.inference_mode()
    def image(self, images: Sequence) -> list[torch.Tensor]:
        """Patch tokens [49, 1280] per (already decoded) PIL image, seen at the encoder's input size."""
        if not images:
            return []
        return list(self.image_encoder(self.image_encoder.preprocess(list(images))))

    @torch.inference_mode()
    def audio(self, wave: np.ndarray) -> torch.Tensor:
        """Log-mel Fbank frames [T, 80] of a 16 kHz waveform."""
        return self.featurizer(torch.as_tensor(wave, dtype=torch.float32))


def labels_of(sample: Sample) -> dict[str, int]:
    return {"intent": INTENT_TO_ID[sample.intent],
            "image_kind": IMAGE_KIND_TO_ID[sample.image_kind or "none"],
            "tone": TONE_TO_ID[sample.tone or "calm"]}


def cache_path(manifest: Path, cache_dir: Path, image_size: int = IMAGE_SIZE, text_id: str | None = None,
               image_top_id: str | None = None) -> Path:
    stat = manifest.stat()
    key = hashlib.sha1(f"{manifest.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:v2".encode()).hexdigest()[:12]
    size = "" if image_size == 224 else f"-px{image_size}"   # 224: the caches made before the size was a setting
    text = f"-text{text_id}" if text_id else ""
    image = f"-img{image_top_id}" if image_top_id else ""
    return cache_dir / f"{manifest.parent.name}-{key}{size}{text}{image}.pt"


def text_cache_id(adapter_id: str | None) -> str:
    """What cached text tokens depend on besides the manifest, as one hex id for the cache's name: the text
    adapter (or none) and how long texts are cut (encoders.TEXT_CUT), so that a change of either recomputes
    the text tokens and lends the rest."""
    from .encoders import TEXT_CUT

    return hashlib.sha1(f"{adapter_id or 'plain'}:{TEXT_CUT}".encode()).hexdigest()[:10]


def _image_size(extractor: FeatureExtractor | None, image_size: int | None) -> int:
    """The input size a cache is built at: `extractor`'s, else `image_size`, else the project's IMAGE_SIZE."""
    return extractor.image_encoder.size if extractor is not None else (image_size or IMAGE_SIZE)


def build_feature_cache(manifest: str | Path, extractor: FeatureExtractor | None = None,
                        cache_dir: str | Path = ".cache/features", batch_size: int = 32,
                        image_size: int | None = None, text_adapter: str | Path | None = None,
                        image_top: str | Path | None = None) -> list[dict]:
    """Per-sample feature dicts for a manifest, from the cache when present (keyed by the manifest's stat, the
    image encoder's input size: `extractor`'s, else `image_size`, else the project's IMAGE_SIZE, the text
    encoder's adapter: `extractor`'s, else `text_adapter`'s fingerprint, else none, with how long texts are cut
    (text_cache_id), and likewise the image encoder's fine-tuned top). A cache that differs only in the image
    top (or only in the text side), none or another, lends its other features: only the patch tokens (from the
    cached inputs of the top's blocks when adapt_image left them, else from the photos) or the text tokens are
    computed again; without one, everything is computed in one pass."""
    from .encoders import adapter_fingerprint, image_top_fingerprint
    from .media import load_audio, load_image

    manifest = Path(manifest)
    size = _image_size(extractor, image_size)
    text_id = text_cache_id(extractor.text_encoder.adapter_id if extractor is not None else
                            (adapter_fingerprint(text_adapter) if text_adapter is not None else None))
    top_id = extractor.image_encoder.top_id if extractor is not None else \
        (image_top_fingerprint(image_top) if image_top is not None else None)
    path = cache_path(manifest, Path(cache_dir), size, text_id, top_id)
    if path.exists():
        return torch.load(path, weights_only=False)
    make = lambda: extractor or FeatureExtractor(image_size=size, text_adapter=text_adapter, image_top=image_top)
    lender = _lender(manifest, Path(cache_dir), size, text_id, top_id, same="text") if top_id else None
    if lender is not None:   # text and audio do not depend on the image encoder: redo the patch tokens
        extractor = make()
        encoder = extractor.image_encoder
        lent = _cached_block_inputs(manifest, Path(cache_dir), encoder.top_blocks, size)
        if lent is not None:   # what enters the top is cached (adapt_image made it): run only the top
            compute = lambda batch: _run_top(encoder, [lent[it["id"]] for it in batch])
        else:
            images = {s.id: s.image for s in read_manifest(manifest)}
            compute = lambda batch: extractor.image([load_image(images[it["id"]], limits.MODEL_IMAGE_SIDE)
                                                     for it in batch])
        items = _recompute(torch.load(lender, weights_only=False), "image_tokens", batch_size,
                           f"image features {manifest.parent.name}", compute)
        torch.save(items, path)
        return items
    lender = _lender(manifest, Path(cache_dir), size, text_id, top_id, same="img")
    if lender is not None:   # image and audio features do not depend on the text encoder
        extractor = make()
        items = _recompute(torch.load(lender, weights_only=False), "text_tokens", batch_size,
                           f"text features {manifest.parent.name}",
                           lambda batch: extractor.text([it["text"] for it in batch]))
        torch.save(items, path)
        return items
    extractor = make()
    samples = read_manifest(manifest)
    items: list[dict] = []
    for start in tqdm(range(0, len(samples), batch_size), desc=f"features {manifest.parent.name}"):
        batch = samples[start:start + batch_size]
        texts = [text_input(s.text, s.transcript) for s in batch]
        text_feats = extractor.text(texts)
        with_img = [i for i, s in enumerate(batch) if s.image is not None]
        img_feats = extractor.image([load_image(batch[i].image, limits.MODEL_IMAGE_SIDE) for i in with_img])
        img_by_row = dict(zip(with_img, img_feats))
        for i, s in enumerate(batch):
            audio = extractor.audio(load_audio(s.audio)) if s.audio is not None else None
            items.append(_item(s, texts[i], _half(text_feats[i]), _half(img_by_row.get(i)), _half(audio)))
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(items, path)
    return items


_CACHE_ENCODERS = re.compile(r"(?:-text([0-9a-f]+))?(?:-img([0-9a-f]+))?\.pt")


def _lender(manifest: Path, cache_dir: Path, size: int, text_id: str | None, top_id: str | None,
            same: str) -> Path | None:
    """The newest other feature cache of this manifest and size made with the same text side (same="text")
    or the same image top (same="img"), the other part being none or another: its features that do not
    depend on that part can be lent. None when there is none."""
    plain = cache_path(manifest, cache_dir, size).stem
    found = []
    for path in cache_dir.glob(plain + "*.pt"):
        parts = _CACHE_ENCODERS.fullmatch(path.name[len(plain):])
        if parts is None or parts.groups() == (text_id, top_id):
            continue   # another size, an encoder-top cache (-top5img), or the wanted cache itself
        if parts.group(1 if same == "text" else 2) == (text_id if same == "text" else top_id):
            found.append(path)
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def _cached_block_inputs(manifest: Path, cache_dir: Path, n_blocks: int, image_size: int) -> dict | None:
    """{sample id: what enters the image encoder's last n_blocks blocks} from an encoder cache of this manifest
    (build_encoder_cache, photos only or not), or None when there is none. Running only the top on these skips
    decoding the photos and the frozen blocks below it: for the photo bank, 46 seconds instead of 11.5 minutes."""
    if not n_blocks:
        return None
    for image_only in (True, False):
        path = encoder_cache_path(manifest, cache_dir, n_blocks, image_size, image_only)
        if path.exists():
            return {it["id"]: it["image_tokens"] for it in torch.load(path, weights_only=False)
                    if it["image_tokens"] is not None}
    return None


@torch.inference_mode()
def _run_top(encoder, inputs: list[torch.Tensor]) -> list[torch.Tensor]:
    return list(encoder.forward_top(torch.stack(inputs).float(), encoder.top_blocks))


def _item(sample: Sample, text: str, text_tokens: torch.Tensor | None = None,
          image_tokens: torch.Tensor | None = None, audio_feats: torch.Tensor | None = None) -> dict:
    """One cached sample: its id, model text, mix, rule, labels and features (None: absent or not cached)."""
    return {"id": sample.id, "text": text, "mix": sample.mix, "rule": sample.rule, "text_tokens": text_tokens,
            "image_tokens": image_tokens, "audio_feats": audio_feats, **labels_of(sample)}


def _half(t: torch.Tensor | None) -> torch.Tensor | None:
    """How caches store features: float16, contiguous (None stays None: the modality is absent)."""
    return None if t is None else t.to(torch.float16).contiguous()


def _recompute(items: list[dict], field: str, batch_size: int, desc: str, compute) -> list[dict]:
    """Recompute one feature of a lent cache's items in place, for the items that have it: compute(batch of
    items) -> one tensor per item. The other features stay as lent."""
    todo = [it for it in items if it[field] is not None]
    for start in tqdm(range(0, len(todo), batch_size), desc=desc):
        batch = todo[start:start + batch_size]
        for item, tokens in zip(batch, compute(batch)):
            item[field] = _half(tokens)
    return items


# ------------------------------------------------------------------------------ fine-tuning the top layers
# Fine-tuning the top n layers of a frozen encoder only changes what happens above layer L-n, so the input to
# those layers is as constant as the final features were: it is cached the same way, and training runs just the
# top layers live. Exact, and on a CPU far cheaper than running MiniLM and EfficientNet on every step.
ENCODER_TOP_WEIGHTS = "encoder_top.safetensors"


class EncoderTops(nn.Module):
    """Trainable copies of the top n MiniLM layers and of the last n EfficientNet MBConv blocks (+ head conv),
    applied to the cached inputs of those layers. The same layers ImageEncoder/TextEncoder.set_trainable_top_layers
    would open. BatchNorm stays in eval mode (running statistics untouched), as in ImageEncoder."""

    def __init__(self, n_top: int, text_encoder, image_encoder):
        super().__init__()
        if n_top < 1:
            raise ValueError("n_top must be >= 1")
        self.n_top = n_top
        self.text_layers = nn.ModuleList(copy.deepcopy(layer) for layer in list(text_encoder.layers)[-n_top:])
        net = image_encoder.model
        blocks = list(net._blocks)
        self.image_blocks = nn.ModuleList(copy.deepcopy(b) for b in blocks[-n_top:])
        rate = net._global_params.drop_connect_rate or 0.0
        self.drop_rates = [rate * i / len(blocks) for i in range(len(blocks) - n_top, len(blocks))]
        self.conv_head, self.bn1, self.act = (copy.deepcopy(net._conv_head), copy.deepcopy(net._bn1),
                                              copy.deepcopy(net._swish))
        self.image_in_channels = self.image_blocks[0]._block_args.input_filters
        for p in self.parameters():
            p.requires_grad_(True)

    @classmethod
    def load_encoders(cls, n_top: int) -> "EncoderTops":
        from .encoders import ImageEncoder, TextEncoder

        return cls(n_top, TextEncoder(), ImageEncoder())

    def train(self, mode: bool = True) -> "EncoderTops":
        super().train(mode)
        for m in self.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.eval()
        return self

    def text(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """[B, L, 384] hidden states entering layer L-n, mask [B, L] -> last hidden states [B, L, 384]."""
        additive = (1.0 - mask[:, None, None, :].to(states.dtype)) * torch.finfo(states.dtype).min
        for layer in self.text_layers:
            states = layer(states, additive)
        return states

    def image(self, tokens: torch.Tensor) -> torch.Tensor:
        """[B, S*S, C] activations entering block -n (row-major; S = input size / 32) -> patch tokens
        [B, 49, 1280], pooled to the 7x7 grid as ImageEncoder does."""
        from .encoders import ImageEncoder

        b, n, c = tokens.shape
        side = int(round(n ** 0.5))
        x = tokens.transpose(1, 2).reshape(b, c, side, side)
        for block, rate in zip(self.image_blocks, self.drop_rates):
            x = block(x, drop_connect_rate=rate)
        x = self.act(self.bn1(self.conv_head(x)))
        if tuple(x.shape[-2:]) != ImageEncoder.grid:
            x = nn.functional.adaptive_avg_pool2d(x, ImageEncoder.grid)
        return x.flatten(2).transpose(1, 2)


class FinetunedModel(nn.Module):
    """A MultimodalModel behind live, trainable encoder top layers. Quacks like MultimodalModel for the trainer
    (forward, temperature, config, num_parameters, save_pretrained); the checkpoint folder is an ordinary
    MultimodalModel folder plus encoder_top.safetensors with the fine-tuned layers."""

    def __init__(self, model, tops: EncoderTops):
        super().__init__()
        self.model, self.tops = model, tops

    @property
    def config(self):
        return self.model.config

    @property
    def temperature(self) -> torch.Tensor:
        return self.model.temperature

    def forward(self, inputs, return_attention: bool = False):
        image = inputs.image_tokens
        if image.shape[-1] == self.tops.image_in_channels:
            image = self.tops.image(image)
        else:   # a batch without any image collates to [B, 49, 1280] zeros: nothing to run, all masked anyway
            image = image.new_zeros(*image.shape[:2], self.config.image_dim)
        inputs = dataclasses.replace(inputs, text_tokens=self.tops.text(inputs.text_tokens, inputs.text_mask),
                                     image_tokens=image)
        return self.model(inputs, return_attention=return_attention)

    def param_groups(self, lr: float, encoder_lr: float) -> list[dict]:
        """Pretrained layers move with a smaller learning rate than the freshly initialised fusion model."""
        return [{"params": [p for p in self.model.parameters() if p.requires_grad], "lr": lr},
                {"params": [p for p in self.tops.parameters() if p.requires_grad], "lr": encoder_lr}]

    def num_parameters(self, trainable_only: bool = False) -> int:
        return sum(p.numel() for p in self.parameters() if p.requires_grad or not trainable_only)

    def save_pretrained(self, directory: str | Path) -> Path:
        from safetensors.torch import save_file

        directory = self.model.save_pretrained(directory)
        state = {k: v.detach().to("cpu").contiguous() for k, v in self.tops.state_dict().items()}
        save_file(state, str(directory / ENCODER_TOP_WEIGHTS), metadata={"n_top": str(self.tops.n_top)})
        return directory

    @classmethod
    def from_pretrained(cls, directory: str | Path, tops: EncoderTops | None = None) -> "FinetunedModel":
        from safetensors import safe_open
        from safetensors.torch import load_file

        from .model import MultimodalModel

        directory = Path(directory)
        path = directory / ENCODER_TOP_WEIGHTS
        with safe_open(str(path), "pt") as f:
            n_top = int(f.metadata()["n_top"])
        tops = tops if tops is not None and tops.n_top == n_top else EncoderTops.load_encoders(n_top)
        tops.load_state_dict(load_file(str(path)))
        return cls(MultimodalModel.from_pretrained(directory), tops).eval()


def encoder_cache_path(manifest: Path, cache_dir: Path, n_top: int, image_size: int = IMAGE_SIZE,
                       image_only: bool = False) -> Path:
    base = cache_path(manifest, cache_dir, image_size)
    return base.with_name(base.stem + f"-top{n_top}{'img' if image_only else ''}.pt")


def build_encoder_cache(manifest: str | Path, n_top: int, cache_dir: str | Path = ".cache/features",
                        extractor: FeatureExtractor | None = None, batch_size: int = 32,
                        image_size: int | None = None, image_only: bool = False) -> list[dict]:
    """Like build_feature_cache, but "text_tokens" / "image_tokens" hold what ENTERS the top n layers:
    MiniLM hidden states [L, 384] before layer 6-n and EfficientNet activations [S*S, C] before block -n.
    Audio frames and labels are the ordinary cache's. image_only=True is for mmdemo.adapt_image, which reads
    only the photos: the items hold the labels and the photos' block inputs, no text tokens or audio frames, and
    the ordinary cache is not built for them (on the photo bank that had been half of the caching time). Cached
    under its own name."""
    from .media import load_image

    manifest, cache_dir = Path(manifest), Path(cache_dir)
    size = _image_size(extractor, image_size)
    path = encoder_cache_path(manifest, cache_dir, n_top, size, image_only)
    if path.exists():
        return torch.load(path, weights_only=False)
    extractor = extractor or FeatureExtractor(image_size=size)
    samples = read_manifest(manifest)
    base = [_item(s, text_input(s.text, s.transcript)) for s in samples] if image_only \
        else build_feature_cache(manifest, extractor, cache_dir)
    images = {s.id: s.image for s in samples}
    text_model = extractor.text_encoder.model
    depth = len(extractor.text_encoder.layers) - n_top
    items: list[dict] = []
    with torch.inference_mode():
        for start in tqdm(range(0, len(base), batch_size), desc=f"encoder top-{n_top} inputs {manifest.parent.name}"):
            batch = base[start:start + batch_size]
            out = [dict(item) for item in batch]
            idx = [i for i, it in enumerate(batch) if it["text_tokens"] is not None]   # none when image_only
            if idx:
                enc = extractor.text_encoder.tokenize([batch[i]["text"] for i in idx], max_len=extractor.max_text_len)
                hidden = text_model(**enc, output_hidden_states=True).hidden_states[depth]
                for row, i in enumerate(idx):
                    out[i]["text_tokens"] = _half(hidden[row, : int(enc["attention_mask"][row].sum())])
            idx = [i for i, it in enumerate(batch) if images[it["id"]] is not None]
            if idx:
                pixels = extractor.image_encoder.preprocess([load_image(images[batch[i]["id"]], limits.MODEL_IMAGE_SIDE) for i in idx])
                x = extractor.image_encoder.block_inputs(pixels, n_top)
                for row, i in enumerate(idx):
                    out[i]["image_tokens"] = _half(x[row])
            items.extend(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(items, path)
    return items
