"""One inference entry point for the app, the evaluator and the benchmark.

    pipe = Pipeline.load()                      # the frozen encoders, the ASR and the committed checkpoints
    pred = pipe.predict(text=..., image=..., audio=..., fusion="attention", explain=False)

`image` may be a path, bytes or a PIL.Image; `audio` a path, bytes or (sample_rate, np.ndarray).
Bad input raises mmdemo.media.InputError (a ValueError) with a message fit to show a person.
The work shared by all strategies (decoding, ASR, frozen encoders) is done once in prepare(), so the
Compare tab runs four fusion strategies for the price of one encoder pass.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from . import limits
from .configs import IMAGE_SIZE
from .encoders import surface_cues
from .features import FeatureExtractor, text_input
from .media import InputError, load_audio, load_image
from .schema import IMAGE_KIND_LABELS, INTENTS, NO_IMAGE, TONES, modality_mix

DEFAULT_CHECKPOINTS = Path(__file__).resolve().parent.parent / "assets" / "checkpoints"
FUSION_ORDER = ("early", "late", "cross_attention", "attention")


@dataclass
class Explanation:
    """What the attention panels need, computed only when asked (explain=True)."""
    fusion: str
    tokens: list[str]                          # one label per position of the joint sequence ("[CLS]", word pieces, "img r2c3", "aud 1.20s")
    segments: dict[str, tuple[int, int]]       # modality -> [start, end) in the joint sequence ("cls", "text", "image", "audio")
    attentions: list[Any] = field(default_factory=list)          # attention fusion: per layer np.ndarray [H, N, N]
    cross_attentions: dict[str, Any] = field(default_factory=dict)  # cross_attention fusion: "text->image" / "text->audio": np.ndarray [H, Nq, Nk]
    image: Any = None                          # the photo, square, for display under the attention grid (224 px)
    image_grid: tuple[int, int] = (7, 7)
    audio_features: Any = None                 # np.ndarray [T, n_mels] log-mel features (for a spectrogram)
    audio_token_seconds: float = 0.08          # seconds of audio per audio token


@dataclass
class Prediction:
    intent: str
    confidence: float                          # calibrated probability of `intent`
    intent_probs: dict[str, float]             # all intents, calibrated, sorted by probability (desc)
    image_kind: str | None                     # None when no image was given
    image_kind_probs: dict[str, float]
    tone: str                                  # "calm" | "frustrated"
    tone_probs: dict[str, float]
    transcript: str | None                     # ASR transcript of the voice message, None without audio
    text_used: str                             # what went into the text branch (typed text + transcript)
    fusion: str
    modality_mix: str                          # e.g. "text+image"
    latency_ms: float
    timings_ms: dict[str, float] = field(default_factory=dict)   # per stage: decode, asr, text, image, audio, fusion
    explanation: Explanation | None = None
    other_hypotheses: tuple[str, ...] = ()     # the recogniser's runner-up transcripts, also read and averaged


@dataclass
class PreparedInput:
    """A decoded, transcribed and encoded request: everything up to the fusion model."""
    text: str
    image: Any                                 # PIL image or None
    wave: np.ndarray | None
    transcript: str | None
    text_used: str
    features: dict[str, torch.Tensor | None]   # text_tokens [L,384], image_tokens [49,1280], audio_feats [T,80]
    timings_ms: dict[str, float]
    # the recogniser's other transcripts, best first after `transcript`, and their text tokens (typed text + each)
    other_hypotheses: tuple[str, ...] = ()
    other_text_tokens: tuple[torch.Tensor, ...] = ()

    @property
    def hypotheses(self) -> tuple[str, ...]:
        """Every transcript the model reads, best first (empty without a voice message)."""
        return () if self.transcript is None else (self.transcript, *self.other_hypotheses)

    @property
    def mix(self) -> str:
        return modality_mix(self.text, self.image, self.wave)


class ThreadBudget:
    """Torch CPU threads per request: all of them while a request runs alone, one each while requests overlap.

    Two requests running two OpenMP threads each on two cores wait on each other's descheduled workers: with the
    other core busy, a text request took 240 ms instead of 23 ms with one thread (measured). torch keeps the setting
    per calling thread, so each request sets its own as it starts.
    """

    def __init__(self, alone: int | None = None):
        self.alone = alone or torch.get_num_threads()
        self._lock = threading.Lock()
        self._running = 0

    @contextmanager
    def __call__(self):
        with self._lock:
            self._running += 1
            threads = self.alone if self._running == 1 else 1
        torch.set_num_threads(threads)
        try:
            yield threads
        finally:
            with self._lock:
                self._running -= 1


class Pipeline:
    """Frozen encoders + ASR + one trained model per fusion strategy."""

    def __init__(self, models: dict, extractor: FeatureExtractor, asr=None, asr_hypotheses: int | None = None):
        from .asr import SERVING_HYPOTHESES

        self.models = models
        self.extractor = extractor
        self._asr = asr
        # transcripts read per voice message when the recogniser is loaded by name (1 = greedy decoding)
        self.asr_hypotheses = SERVING_HYPOTHESES if asr_hypotheses is None else asr_hypotheses
        self._asr_lock = threading.Lock()
        self.threads = ThreadBudget()

    @classmethod
    def load(cls, checkpoints: str | Path = DEFAULT_CHECKPOINTS, fusions=FUSION_ORDER, asr: Any = "faster-whisper",
             allow_untrained: bool = False, asr_hypotheses: int | None = None) -> "Pipeline":
        """Load the committed checkpoints (and the encoders they were trained on).

        `asr` is a backend name (loaded on first use), a recogniser object, or None for no voice support.
        `asr_hypotheses`: how many of the recogniser's best transcripts a voice message is read with (default
        asr.SERVING_HYPOTHESES; 1 = greedy decoding, one transcript).
        allow_untrained=True builds randomly initialised models where a checkpoint is missing (development only).
        """
        from .configs import MODEL_CONFIGS
        from .model import MultimodalModel

        models = {}
        for name in fusions:
            folder = Path(checkpoints) / name
            if (folder / "config.json").exists():
                models[name] = MultimodalModel.from_pretrained(folder).eval()
            elif allow_untrained:
                models[name] = MultimodalModel(MODEL_CONFIGS[name]).eval()
            else:
                raise FileNotFoundError(f"no checkpoint for fusion {name!r} under {checkpoints}; "
                                        "train one with `python -m mmdemo.train --fusion all`")
        sizes = {m.config.image_size for m in models.values()}
        if len(sizes) > 1:
            raise ValueError(f"the checkpoints under {checkpoints} were trained at different image sizes {sorted(sizes)}; "
                             "they share one image encoder, so retrain them together")
        extractor = FeatureExtractor(image_size=sizes.pop() if sizes else IMAGE_SIZE,
                                     text_adapter=cls.text_adapter_of(models, Path(checkpoints)),
                                     image_top=cls.image_top_of(models, Path(checkpoints)))
        extractor.image_encoder.fold_batchnorm()   # serving only: same tokens, less work per photo
        return cls(models, extractor, asr, asr_hypotheses)

    @staticmethod
    def text_adapter_of(models: dict, checkpoints: Path) -> Path | None:
        """The text encoder's adapter folder the models were trained on (all must share one), checked by its
        fingerprint: token states from any other text encoder would be silently wrong inputs."""
        from .encoders import adapter_fingerprint

        return Pipeline._trained_encoder_part(models, checkpoints, "text_adapter", adapter_fingerprint,
                                              "text adapter", "text encoders", "adapt_text")

    @staticmethod
    def image_top_of(models: dict, checkpoints: Path) -> Path | None:
        """The image encoder's fine-tuned top the models were trained on (all must share one), checked by its
        fingerprint, as text_adapter_of checks the text adapter."""
        from .encoders import image_top_fingerprint

        return Pipeline._trained_encoder_part(models, checkpoints, "image_top", image_top_fingerprint,
                                              "image top", "image encoders", "adapt_image")

    @staticmethod
    def _trained_encoder_part(models: dict, checkpoints: Path, field: str, fingerprint_of, part: str,
                              encoders: str, command: str) -> Path | None:
        """The folder named by the models' config `field` (and checked against `field`_id), None if unnamed."""
        wanted = {(getattr(m.config, field), getattr(m.config, f"{field}_id")) for m in models.values()}
        if len(wanted) > 1:
            raise ValueError(f"the checkpoints under {checkpoints} were trained on different {encoders} "
                             f"{sorted(map(str, wanted))}; they share one, so retrain them together")
        name, fingerprint = wanted.pop() if wanted else (None, None)
        if name is None:
            return None
        folder = checkpoints / name
        if not folder.is_dir() or fingerprint_of(folder) != fingerprint:
            raise FileNotFoundError(f"the models under {checkpoints} need the {part} {fingerprint} in {folder}; "
                                    f"it is missing or another one: run `python -m mmdemo.{command}` and retrain")
        return folder

    @property
    def asr(self):
        if isinstance(self._asr, str):
            with self._asr_lock:
                if isinstance(self._asr, str):
                    from .asr import get_asr
                    self._asr = get_asr(self._asr, n_best=self.asr_hypotheses)
        return self._asr

    def prepare(self, text: str | None = None, image: Any = None, audio: Any = None,
                transcript: str | None = None, other_hypotheses: Sequence[str] = ()) -> PreparedInput:
        """Validate and decode the inputs, transcribe the voice (unless its `transcript` and `other_hypotheses`
        are already known, as for a stored turn being explained), run the frozen encoders. With a recogniser
        that gives several transcripts (`hypotheses`), the text branch reads typed text + each of them."""
        timings: dict[str, float] = {}
        tick = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal tick
            now = time.perf_counter()
            timings[name] = round((now - tick) * 1000, 2)
            tick = now

        text = (text or "").strip()
        if len(text) > limits.MAX_TEXT_CHARS:
            raise InputError(f"That message is {len(text):,} characters long; the limit is "
                             f"{limits.MAX_TEXT_CHARS:,}. Please shorten it.")
        text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text).strip()
        if not text and image is None and audio is None:
            raise InputError("Please type a message, attach a photo or record a voice message.")
        pil = load_image(image, limits.MODEL_IMAGE_SIDE) if image is not None else None
        wave = load_audio(audio) if audio is not None else None
        lap("decode")
        others: tuple[str, ...] = ()
        if wave is None:
            transcript = None
        elif transcript is None:
            if self.asr is None:
                raise InputError("Voice messages are not available in this deployment; please type instead.")
            heard = self.asr.hypotheses(wave) if hasattr(self.asr, "hypotheses") else [self.asr.transcribe(wave)]
            transcript, others = heard[0], tuple(h for h in heard[1:] if h)
            lap("asr")
            if not transcript and not text and pil is None:
                raise InputError("I couldn't make out any words in that recording. Please try again or type your question.")
        else:
            others = tuple(h for h in other_hypotheses if h)
        used = text_input(text, transcript)
        with self.threads():
            tokens = self.extractor.text([used, *(text_input(text, h) for h in others)]) if used else [None]
            feats = {"text_tokens": tokens[0],
                     "text_cues": surface_cues(text) if text else None}   # typed text only (tone head)
            lap("text")
            feats["image_tokens"] = self.extractor.image([pil])[0] if pil is not None else None
            lap("image")
            feats["audio_feats"] = self.extractor.audio(wave) if wave is not None else None
            lap("audio")
        return PreparedInput(text, pil, wave, transcript, used, feats, timings, others if used else (),
                             tuple(tokens[1:]))

    def model_inputs(self, prepared: PreparedInput, every_hypothesis: bool = False):
        """One row (the best transcript), or with `every_hypothesis` one row per transcript (same photo, voice)."""
        from .model import ModelInputs
        rows = [prepared.features]
        if every_hypothesis:
            rows += [dict(prepared.features, text_tokens=t) for t in prepared.other_text_tokens]
        return ModelInputs.collate(rows)

    def predict(self, text: str | None = None, image: Any = None, audio: Any = None, fusion: str = "attention",
                explain: bool = False) -> Prediction:
        t0 = time.perf_counter()
        prepared = self.prepare(text, image, audio)
        return self.predict_prepared(prepared, fusion, explain, started=t0)

    @torch.inference_mode()
    def predict_prepared(self, prepared: PreparedInput, fusion: str = "attention", explain: bool = False,
                         started: float | None = None) -> Prediction:
        if fusion not in self.models:
            raise ValueError(f"unknown fusion {fusion!r}; loaded: {list(self.models)}")
        t0 = time.perf_counter()
        model = self.models[fusion]
        with self.threads():
            out = model(self.model_inputs(prepared, every_hypothesis=True), return_attention=explain)
        # one row per transcript the recogniser offered: the answer is the mean of their probabilities
        # (row 0, the best transcript, is the one explained and shown)
        intent_p = F.softmax(out.intent_logits / model.temperature, -1).mean(0)
        kind_p = F.softmax(out.image_kind_logits, -1).mean(0)
        tone_p = F.softmax(out.tone_logits, -1).mean(0)
        timings = dict(prepared.timings_ms, fusion=round((time.perf_counter() - t0) * 1000, 2))
        intent_probs = dict(sorted(zip(INTENTS, intent_p.tolist()), key=lambda kv: -kv[1]))
        if prepared.image is not None:  # an image is present: the kind is one of the six, never "none"
            kinds = {k: p for k, p in zip(IMAGE_KIND_LABELS, kind_p.tolist()) if k != NO_IMAGE}
            total = sum(kinds.values()) or 1.0
            kind_probs = dict(sorted(((k, p / total) for k, p in kinds.items()), key=lambda kv: -kv[1]))
            image_kind = next(iter(kind_probs))
        else:
            kind_probs, image_kind = {}, None
        tone_probs = dict(zip(TONES, tone_p.tolist()))
        top = next(iter(intent_probs))
        explanation = self._explanation(fusion, prepared, out) if explain else None
        start = started if started is not None else t0 - sum(prepared.timings_ms.values()) / 1000
        return Prediction(intent=top, confidence=intent_probs[top], intent_probs=intent_probs, image_kind=image_kind,
                          image_kind_probs=kind_probs, tone=max(tone_probs, key=tone_probs.get), tone_probs=tone_probs,
                          transcript=prepared.transcript, text_used=prepared.text_used, fusion=fusion,
                          modality_mix=prepared.mix, latency_ms=round((time.perf_counter() - start) * 1000, 2),
                          timings_ms=timings, explanation=explanation,
                          other_hypotheses=prepared.other_hypotheses)

    def token_labels(self, prepared: PreparedInput, segments: dict[str, tuple[int, int]], token_seconds: float) -> list[str]:
        """A readable label for every position of a joint sequence laid out by `segments`."""
        n = max(end for _, end in segments.values())
        labels = [""] * n
        words: list[str] = []
        if prepared.text_used:
            words = self.extractor.text_encoder.pieces(prepared.text_used, self.extractor.max_text_len)
        cols = self.extractor.image_encoder.grid[1]
        for name, (start, end) in segments.items():
            for j in range(end - start):
                if name == "cls":
                    label = "[CLS]" if j == 0 else f"[Q{j}]"
                elif name == "text":
                    label = words[j] if j < len(words) else "(pad)"
                elif name == "image":
                    label = f"img r{j // cols + 1}c{j % cols + 1}" if prepared.image is not None else "(no image)"
                elif name == "audio":
                    label = f"aud {j * token_seconds:.2f}s" if prepared.wave is not None else "(no audio)"
                else:
                    label = f"{name}{j}"
                labels[start + j] = label
        return labels

    def _explanation(self, fusion: str, prepared: PreparedInput, out) -> Explanation:
        model = self.models[fusion]
        fo = out.fusion
        feats = prepared.features.get("audio_feats")
        token_seconds = model.audio_encoder.seconds_per_token(int(feats.shape[0])) if feats is not None else 0.08
        segments = dict(fo.segments or {})
        tokens = self.token_labels(prepared, segments, token_seconds) if segments else []
        attn = [a[0].detach().float().numpy() for a in (fo.attentions or [])]
        cross = {}
        for k, v in (fo.cross_attentions or {}).items():
            if isinstance(v, (list, tuple)):
                v = v[-1]
            cross[k] = v[0].detach().float().numpy()
        shown = None
        if prepared.image is not None:   # the photo as the encoder saw it (padded square), at display size
            shown = self.extractor.image_encoder.letterbox(prepared.image).resize((224, 224))
        return Explanation(fusion=fusion, tokens=tokens, segments=segments, attentions=attn, cross_attentions=cross,
                           image=shown, image_grid=tuple(self.extractor.image_encoder.grid),
                           audio_features=None if feats is None else feats.float().numpy(),
                           audio_token_seconds=token_seconds)

    def warm_up(self) -> None:
        """Run every path once (text, image, voice; every fusion) so the first real request is not slow."""
        from PIL import Image
        img = Image.new("RGB", (64, 64), (200, 180, 160))
        t = np.linspace(0, 1.0, 16000, dtype=np.float32)
        wave = (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
        prepared = self.prepare("hello, where is my order?", img, None)
        for name in self.models:
            self.predict_prepared(prepared, name, explain=(name in ("attention", "cross_attention")))
        if self._asr is not None:
            self.asr.transcribe(wave)
            self.extractor.audio(wave)
