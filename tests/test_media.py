"""Bad and unusual images and audio: each either decodes to something sane or raises an InputError whose
message a person can act on."""
import io
import shutil
import struct
import subprocess
import zlib

import numpy as np
import pytest
from PIL import Image

from mmdemo import limits
from mmdemo.media import InputError, load_audio, load_image


def _png_header_only(path, w, h):
    """A PNG that claims w x h pixels (a decompression bomb's header) with a tiny, bogus body."""
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))


@pytest.fixture
def photo():
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8))


def test_normal_jpeg_is_reduced_to_working_size(tmp_path, photo):
    path = tmp_path / "big.jpg"
    photo.resize((4000, 3000)).save(path, quality=80)
    img = load_image(path)
    assert img.mode == "RGB" and max(img.size) <= limits.WORKING_IMAGE_SIDE


@pytest.mark.parametrize("case", ["truncated", "not_an_image", "empty"])
def test_unreadable_images_raise_clear_errors(tmp_path, photo, case):
    path = tmp_path / "x.png"
    if case == "truncated":
        buf = io.BytesIO()
        photo.save(buf, format="JPEG")
        path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 3])
    elif case == "not_an_image":
        path.write_text("this is a text file pretending to be a PNG\n" * 20)
    else:
        path.write_bytes(b"")
    with pytest.raises(InputError) as err:
        load_image(path)
    assert any(w in str(err.value) for w in ("damaged", "not an image", "empty"))


def test_decompression_bomb_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    _png_header_only(path, 20000, 20000)
    with pytest.raises(InputError, match="20000x20000"):
        load_image(path)


def test_fifty_megapixel_photo_accepted(tmp_path):
    path = tmp_path / "50mp.jpg"
    Image.new("RGB", (8660, 5774), (90, 120, 150)).save(path, quality=70)
    img = load_image(path)
    assert max(img.size) <= limits.WORKING_IMAGE_SIDE


@pytest.mark.parametrize("mode", ["CMYK", "I;16", "RGBA", "P", "L"])
def test_unusual_modes_become_rgb(tmp_path, mode):
    if mode == "I;16":
        arr = (np.linspace(0, 65535, 64 * 64).reshape(64, 64)).astype(np.uint16)
        img = Image.fromarray(arr, mode="I;16")
        path = tmp_path / "deep.png"
    else:
        img = Image.new("RGB", (64, 48), (10, 200, 30)).convert(mode)
        path = tmp_path / ("x.jpg" if mode == "CMYK" else "x.png")
    img.save(path)
    out = load_image(path)
    assert out.mode == "RGB"
    assert out.size == ((64, 64) if mode == "I;16" else (64, 48))
    if mode == "I;16":  # the 16-bit range is stretched to 8 bits, not flattened
        assert np.asarray(out).std() > 30


def test_animated_gif_uses_first_frame(tmp_path):
    frames = [Image.new("RGB", (40, 40), c) for c in [(255, 0, 0), (0, 255, 0)]]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    out = load_image(path)
    r, g, _ = np.asarray(out).mean(axis=(0, 1))
    assert r > g


def test_exif_rotation_applied(tmp_path):
    img = Image.new("RGB", (80, 40), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    path = tmp_path / "rot.jpg"
    img.save(path, exif=exif)
    assert load_image(path).size == (40, 80)


def test_tiny_image_refused(tmp_path):
    path = tmp_path / "one.png"
    Image.new("RGB", (1, 1)).save(path)
    with pytest.raises(InputError, match="too small"):
        load_image(path)


# ---------------------------------------------------------------- audio
SR = 16000


def _speechlike(seconds, sr=SR, channels=1):
    t = np.arange(int(seconds * sr)) / sr
    wave = 0.3 * np.sin(2 * np.pi * 180 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return np.stack([wave] * channels, axis=1) if channels > 1 else wave


def _write(path, wave, sr):
    import soundfile as sf
    sf.write(path, wave, sr)
    return path


def test_wav_at_16k(tmp_path):
    out = load_audio(_write(tmp_path / "a.wav", _speechlike(1.0), SR))
    assert out.dtype == np.float32 and abs(len(out) - SR) < 10


def test_resampled_and_downmixed(tmp_path):
    out8 = load_audio(_write(tmp_path / "a8.wav", _speechlike(1.0, 8000), 8000))
    out48 = load_audio(_write(tmp_path / "a48.wav", _speechlike(1.0, 48000, 2), 48000))
    assert abs(len(out8) - SR) < 20 and abs(len(out48) - SR) < 20 and out48.ndim == 1


def test_numpy_int_tuple_from_gradio():
    arr = (_speechlike(1.0, 44100) * 32767).astype(np.int16)
    out = load_audio((44100, arr))
    assert out.max() <= 1.0 and abs(len(out) - SR) < 20


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")
@pytest.mark.parametrize("ext,args", [("mp3", []), ("ogg", ["-c:a", "libvorbis"]), ("webm", ["-c:a", "libopus"]),
                                      ("m4a", ["-c:a", "aac"])])
def test_compressed_formats(tmp_path, ext, args):
    src = _write(tmp_path / "src.wav", _speechlike(1.5, 48000), 48000)
    dst = tmp_path / f"clip.{ext}"
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-i", str(src), *args, str(dst)], check=True)
    out = load_audio(dst)
    assert 1.3 * SR < len(out) < 1.7 * SR


@pytest.mark.parametrize("case,message", [
    ("empty", "empty"), ("short", "too short"), ("silence", "silent"), ("corrupt", "not audio"),
])
def test_bad_audio_messages(tmp_path, case, message):
    path = tmp_path / "bad.wav"
    if case == "empty":
        path.write_bytes(b"")
    elif case == "short":
        _write(path, _speechlike(0.1), SR)
    elif case == "silence":
        _write(path, np.zeros(SR * 2), SR)
    else:
        path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=message):
        load_audio(path)


def test_ten_minute_recording_refused_with_length(tmp_path):
    path = _write(tmp_path / "long.wav", (np.random.default_rng(0).standard_normal(8000 * 600) * 0.05), 8000)
    with pytest.raises(InputError, match=r"10\.0 minutes.*30 seconds"):
        load_audio(path)


def test_clipping_noise_decodes(tmp_path):
    noise = np.clip(np.random.default_rng(1).standard_normal(SR * 2) * 3, -1, 1)
    out = load_audio(_write(tmp_path / "clip.wav", noise, SR))
    assert np.isfinite(out).all() and np.abs(out).max() <= 1.0
