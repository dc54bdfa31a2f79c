"""One inference entry point for the app, the evaluator and the benchmark.

CONTRACT (implementation being written): helpers build against these names.

    pipe = Pipeline.load()                      # loads encoders + the four committed checkpoints
    pred = pipe.predict(text=..., image=..., audio=..., fusion="attention", explain=False)

`image` may be a path, bytes or a PIL.Image; `audio` a path, bytes or (sample_rate, np.ndarray).
Bad input raises mmdemo.media.InputError (a ValueError) with a message fit to show a person.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Explanation:
    """What the attention panels need, computed only when asked (explain=True)."""
    fusion: str
    tokens: list[str]                          # one label per position of the joint sequence ("[CLS]", word pieces, "img r2c3", "aud 1.20s")
    segments: dict[str, tuple[int, int]]       # modality -> [start, end) in the joint sequence ("cls", "text", "image", "audio")
    attentions: list[Any] = field(default_factory=list)          # attention fusion: per layer np.ndarray [H, N, N]
    cross_attentions: dict[str, Any] = field(default_factory=dict)  # cross_attention fusion: "text->image" / "text->audio": np.ndarray [H, Nq, Nk]
    image: Any = None                          # the PIL image as the encoder saw it (square, 224 px)
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
