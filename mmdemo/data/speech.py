"""Spoken versions of the utterances, made with Debian's TTS engines.

Training speech comes from espeak-ng (several accents, voice variants, rates, pitches, loudness); the test
split is spoken by flite, an engine the model never hears in training, so the voice-only score measures
how well the ASR + audio branch generalise to a new voice. Frustrated speakers are louder and faster.
"""
from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000

ESPEAK_VOICES = ("en-us", "en-gb", "en-gb-x-rp", "en-gb-scotland", "en-029", "en-us-nyc", "en-gb-x-gbclan",
                 "en-gb-x-gbcwmd")
ESPEAK_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m7", "f1", "f2", "f3", "f4", "f5", "Alicia", "Andy", "Annie",
                   "Belinda", "Michael", "Steph", "Rob", "Linda", "Paul", "Mr_Serious", "Zac")
FLITE_VOICES = ("slt", "rms", "awb", "kal16")


def tts_available() -> dict[str, bool]:
    return {"espeak-ng": shutil.which("espeak-ng") is not None, "flite": shutil.which("flite") is not None,
            "sox": shutil.which("sox") is not None}


def _to_16k_mono(wav_path: Path, gain_db: float, tempo: float) -> np.ndarray:
    """Resample to 16 kHz mono with sox, applying gain and tempo; returns float32 in [-1, 1]."""
    out = subprocess.run(["sox", str(wav_path), "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1",
                          "-r", str(SAMPLE_RATE), "-", "gain", f"{gain_db:.1f}", "tempo", f"{tempo:.3f}"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(out, dtype=np.float32).copy()


def synthesize(text: str, rng: random.Random, held_out: bool, tone: str) -> tuple[np.ndarray, dict]:
    """Speak `text`; returns (16 kHz mono float32 waveform, metadata describing the voice and augmentation)."""
    frustrated = tone == "frustrated"
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "tts.wav"
        if held_out:
            voice = rng.choice(FLITE_VOICES)
            subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(raw)], check=True, capture_output=True)
            meta = {"engine": "flite", "voice": voice}
            tempo = rng.uniform(1.08, 1.22) if frustrated else rng.uniform(0.92, 1.06)
        else:
            voice = f"{rng.choice(ESPEAK_VOICES)}+{rng.choice(ESPEAK_VARIANTS)}"
            rate = rng.randint(175, 230) if frustrated else rng.randint(130, 180)
            pitch = rng.randint(45, 90) if frustrated else rng.randint(25, 65)
            amp = rng.randint(150, 200) if frustrated else rng.randint(70, 130)
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-p", str(pitch), "-a", str(amp),
                            "-w", str(raw), text], check=True, capture_output=True)
            meta = {"engine": "espeak-ng", "voice": voice, "rate": rate, "pitch": pitch, "amplitude": amp}
            tempo = 1.0
        gain_db = rng.uniform(-2.0, 4.0) if frustrated else rng.uniform(-12.0, -3.0)
        wave = _to_16k_mono(raw, gain_db, tempo)
    wave = augment(wave, rng)
    meta.update({"gain_db": round(gain_db, 1), "tempo": round(tempo, 3)})
    return wave, meta


def augment(wave: np.ndarray, rng: random.Random) -> np.ndarray:
    """Room-ish realism: leading/trailing silence, background noise at a random SNR, then clip to [-1, 1]."""
    g = np.random.default_rng(rng.getrandbits(32))
    lead, tail = (np.zeros(int(SAMPLE_RATE * rng.uniform(0.05, 0.5)), np.float32) for _ in range(2))
    wave = np.concatenate([lead, wave, tail])
    power = float(np.mean(wave ** 2)) + 1e-9
    snr_db = rng.uniform(12.0, 35.0)
    noise = g.standard_normal(wave.shape).astype(np.float32)
    if rng.random() < 0.5:  # brown-ish hum rather than hiss
        noise = np.cumsum(noise) / 50.0
        noise -= np.convolve(noise, np.ones(400) / 400, mode="same")
    noise *= np.sqrt(power / (10 ** (snr_db / 10)) / (np.mean(noise ** 2) + 1e-9))
    return np.clip(wave + noise, -1.0, 1.0).astype(np.float32)
