"""Frozen-encoder features and their on-disk cache.

With the pretrained encoders frozen, their outputs never change during training, so each sample's text token
states, image patch tokens and audio Fbank frames are computed once and cached (fp16). Training all four fusion
strategies then costs only the small trainable part. The extraction path here is the one inference uses, so
training and serving see identical features.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from tqdm import tqdm

from .data.manifest import Sample, read_manifest
from .schema import IMAGE_KIND_TO_ID, INTENT_TO_ID, TONE_TO_ID


def text_input(typed: str | None, transcript: str | None) -> str:
    """What the text branch reads: the typed message, then the voice transcript."""
    return " ".join(part.strip() for part in (typed or "", transcript or "") if part and part.strip())


class FeatureExtractor:
    """The three frozen front ends in one place: MiniLM token states, EfficientNet patch tokens, Fbank frames."""

    def __init__(self, text_encoder=None, image_encoder=None, featurizer=None, max_text_len: int = 40):
        from .encoders import AudioFeaturizer, ImageEncoder, TextEncoder

        self.text_encoder = (text_encoder or TextEncoder()).eval()
        self.image_encoder = (image_encoder or ImageEncoder()).eval()
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
        """Patch tokens [49, 1280] per (already decoded) PIL image."""
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


def cache_path(manifest: Path, cache_dir: Path) -> Path:
    stat = manifest.stat()
    key = hashlib.sha1(f"{manifest.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:v1".encode()).hexdigest()[:12]
    return cache_dir / f"{manifest.parent.name}-{key}.pt"


def build_feature_cache(manifest: str | Path, extractor: FeatureExtractor | None = None,
                        cache_dir: str | Path = ".cache/features", batch_size: int = 32) -> list[dict]:
    """Per-sample feature dicts for a manifest, from the cache when present (keyed by the manifest's stat)."""
    from .media import load_audio, load_image

    manifest = Path(manifest)
    path = cache_path(manifest, Path(cache_dir))
    if path.exists():
        return torch.load(path, weights_only=False)
    extractor = extractor or FeatureExtractor()
    samples = read_manifest(manifest)
    items: list[dict] = []
    for start in tqdm(range(0, len(samples), batch_size), desc=f"features {manifest.parent.name}"):
        batch = samples[start:start + batch_size]
        texts = [text_input(s.text, s.transcript) for s in batch]
        text_feats = extractor.text(texts)
        with_img = [i for i, s in enumerate(batch) if s.image is not None]
        img_feats = extractor.image([load_image(batch[i].image) for i in with_img])
        img_by_row = dict(zip(with_img, img_feats))
        for i, s in enumerate(batch):
            audio = extractor.audio(load_audio(s.audio)) if s.audio is not None else None
            half = lambda t: None if t is None else t.to(torch.float16).contiguous()
            items.append({"id": s.id, "text": texts[i], "mix": s.mix, "rule": s.rule,
                          "text_tokens": half(text_feats[i]), "image_tokens": half(img_by_row.get(i)),
                          "audio_feats": half(audio), **labels_of(s)})
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(items, path)
    return items
