"""Decoding and validating what people send: images and audio in, clean arrays out, or a clear InputError.

Every failure a person can cause (a corrupt file, a decompression bomb, silence, a ten-minute recording)
becomes an InputError whose message can be shown to them as it is; nothing else escapes to the app.
"""
from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from . import limits

AUDIO_SAMPLE_RATE = 16000
Image.MAX_IMAGE_PIXELS = None  # we check the pixel count ourselves, before decoding, with a clearer message


class InputError(ValueError):
    """Bad input from a person; the message is written for them."""


def _file_size_check(path: Path) -> None:
    if not path.exists():
        raise InputError(f"The file {path.name!r} could not be found.")
    size_mb = path.stat().st_size / 2**20
    if size_mb > limits.MAX_UPLOAD_MB:
        raise InputError(f"That file is {size_mb:.0f} MB; the limit is {limits.MAX_UPLOAD_MB} MB.")
    if path.stat().st_size == 0:
        raise InputError(f"The file {path.name!r} is empty.")


def load_image(source: Any, max_side: int = limits.WORKING_IMAGE_SIDE) -> Image.Image:
    """Open a path, bytes or PIL image as an upright RGB image no larger than `max_side` on its long side.

    Large JPEGs are decoded at reduced size (PIL draft mode), so a 12 MP photo costs a fraction of a full decode.
    """
    if isinstance(source, Image.Image):
        img = source
    else:
        if isinstance(source, (str, os.PathLike)):
            _file_size_check(Path(source))
            fp: Any = str(source)
        elif isinstance(source, (bytes, bytearray)):
            if not source:
                raise InputError("The image is empty.")
            fp = io.BytesIO(source)
        else:
            raise InputError(f"Unsupported image input of type {type(source).__name__}.")
        try:
            img = Image.open(fp)
        except UnidentifiedImageError:
            raise InputError("That file is not an image I can read (supported: JPEG, PNG, WebP, GIF, BMP, TIFF).") from None
        except OSError as exc:
            raise InputError(f"The image could not be opened ({exc}).") from None
    w, h = img.size
    if w * h > limits.MAX_IMAGE_PIXELS:
        raise InputError(f"That image is {w}x{h} pixels ({w * h / 1e6:.0f} MP); the limit is "
                         f"{limits.MAX_IMAGE_PIXELS / 1e6:.0f} MP.")
    if min(w, h) < limits.MIN_IMAGE_SIDE:
        raise InputError(f"That image is only {w}x{h} pixels, too small to see anything.")
    try:
        if img.format == "JPEG":
            img.draft("RGB", (max_side, max_side))
        if getattr(img, "n_frames", 1) > 1:
            img.seek(0)  # animated GIF/WebP: the first frame
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            img.load()
        img = ImageOps.exif_transpose(img)
        img = _to_rgb(img)
    except InputError:
        raise
    except Exception as exc:  # truncated or corrupt data surfaces only when decoding
        raise InputError(f"The image seems damaged or incomplete and could not be decoded ({type(exc).__name__}).") from None
    img.thumbnail((max_side, max_side))
    return img


def _to_rgb(img: Image.Image) -> Image.Image:
    """RGB from any PIL mode, including 16-bit greyscale and CMYK; transparency is flattened onto white."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = np.percentile(arr, 0.5), np.percentile(arr, 99.5)
        arr = np.clip((arr - lo) / max(hi - lo, 1e-9) * 255.0, 0, 255).astype(np.uint8)
        return Image.fromarray(arr).convert("RGB")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        img = img.convert("RGBA")
        bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
        return Image.alpha_composite(bg, img).convert("RGB")
    return img.convert("RGB")


def load_audio(source: Any) -> np.ndarray:
    """Decode a path, bytes or (sample_rate, array) to 16 kHz mono float32 in [-1, 1], checking its length and level."""
    if isinstance(source, tuple) and len(source) == 2:
        sr, arr = source
        wave, sr = _array_to_float(np.asarray(arr)), int(sr)
    elif isinstance(source, (str, os.PathLike)):
        _file_size_check(Path(source))
        wave, sr = _decode_file(str(source))
    elif isinstance(source, (bytes, bytearray)):
        if not source:
            raise InputError("The recording is empty.")
        wave, sr = _decode_file(io.BytesIO(source))
    else:
        raise InputError(f"Unsupported audio input of type {type(source).__name__}.")
    if wave.ndim == 2:  # (samples, channels) -> mono
        wave = wave.mean(axis=1)
    seconds = wave.shape[0] / max(sr, 1)
    if wave.size == 0:
        raise InputError("The recording is empty.")
    if seconds > limits.MAX_AUDIO_SECONDS + 0.5:
        raise InputError(f"That recording is {_fmt_seconds(seconds)} long; voice messages are limited to "
                         f"{limits.MAX_AUDIO_SECONDS:.0f} seconds. Please send a shorter one or type your question.")
    if seconds < limits.MIN_AUDIO_SECONDS:
        raise InputError(f"That recording is only {seconds:.1f} s long, too short to hold any words.")
    if sr != AUDIO_SAMPLE_RATE:
        wave = _resample(wave, sr, AUDIO_SAMPLE_RATE)
    wave = np.nan_to_num(wave.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    if float(np.sqrt(np.mean(wave ** 2))) < limits.SILENCE_RMS:
        raise InputError("I couldn't hear anything in that recording (it is silent). Please try again closer to the microphone.")
    return np.clip(wave, -1.0, 1.0)


def _fmt_seconds(seconds: float) -> str:
    return f"{seconds / 60:.1f} minutes" if seconds >= 90 else f"{seconds:.0f} seconds"


def _array_to_float(arr: np.ndarray) -> np.ndarray:
    """Integer PCM of any width to float in [-1, 1] (Gradio hands int16 or int32 depending on the source)."""
    if np.issubdtype(arr.dtype, np.integer):
        return arr.astype(np.float32) / float(np.iinfo(arr.dtype).max)
    return arr.astype(np.float32)


def _decode_file(fp: Any) -> tuple[np.ndarray, int]:
    """Decode with torchcodec (ffmpeg: wav, mp3, ogg, webm/opus, m4a, flac), reading at most the length limit + 1 s."""
    try:
        from torchcodec.decoders import AudioDecoder

        src = fp.getvalue() if isinstance(fp, io.BytesIO) else fp
        decoder = AudioDecoder(src)
        duration = decoder.metadata.duration_seconds
        if duration is not None and duration > limits.MAX_AUDIO_SECONDS + 0.5:
            raise InputError(f"That recording is {_fmt_seconds(duration)} long; voice messages are limited to "
                             f"{limits.MAX_AUDIO_SECONDS:.0f} seconds. Please send a shorter one or type your question.")
        samples = decoder.get_samples_played_in_range(0.0, limits.MAX_AUDIO_SECONDS + 1.0)
        data = samples.data.numpy()  # (channels, samples)
        return data.T.astype(np.float32), int(samples.sample_rate)
    except InputError:
        raise
    except Exception as exc:
        raise InputError("That file is not audio I can play (supported: WAV, MP3, OGG, WebM/Opus, M4A, FLAC)"
                         f" ({type(exc).__name__}).") from None


def _resample(wave: np.ndarray, sr: int, target: int) -> np.ndarray:
    import torch
    import torchaudio.functional as AF

    return AF.resample(torch.from_numpy(np.ascontiguousarray(wave, dtype=np.float32)), sr, target).numpy()
