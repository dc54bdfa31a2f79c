"""Bad, odd and hostile input through the running app's named API (gradio_client against `python app.py`).

Every case checks three things: the person sees a clear message (a refusal names the problem in plain words; an
accepted input gets a normal answer), nothing crashes (no AppError, no raw traceback), and the next ordinary
message in the same session is still answered. Every bad file is generated here, in tmp_path.
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image, ImageDraw

pytestmark = pytest.mark.timeout(300)

NEXT = "Where is my order A-20931?"
SR = 16000


# ------------------------------------------------------------------------------------------ helpers
@pytest.fixture()
def client(app_server):
    from gradio_client import Client

    return Client(app_server.url, verbose=False)   # a new client is a new browser session


def _call(client, api_name: str, *args):
    """Call an endpoint; -> (result, toasts). Toasts are the gr.Warning / gr.Info messages the page would show.
    A server-side exception (gradio_client AppError) fails the test: the app must never crash on input."""
    from gradio_client.exceptions import AppError

    job = client.submit(*args, api_name=api_name)
    try:
        result = job.result(timeout=240)
    except AppError as exc:
        pytest.fail(f"{api_name} crashed on this input: {exc!r}")
    toasts = []
    updates = job.communicator.updates if job.communicator else None
    while updates is not None and not updates.empty():
        log = getattr(updates.get_nowait(), "log", None)
        if log:
            toasts.append(log[0])
    return result, toasts


def chat(client, text="", files=(), recording=None):
    from gradio_client import handle_file

    out, toasts = _call(client, "/chat", {"text": text, "files": [handle_file(str(f)) for f in files]},
                        handle_file(str(recording)) if recording else None, "attention")
    messages, _box, _rec, understood, details, _turns = out
    return SimpleNamespace(messages=messages, understood=understood, details=details, toasts=toasts)


def send_recording(client, path):
    from gradio_client import handle_file

    out, toasts = _call(client, "/send_recording", handle_file(str(path)), "attention")
    messages, _box, _rec, understood, details, _turns = out
    return SimpleNamespace(messages=messages, understood=understood, details=details, toasts=toasts)


def text_of(message) -> str:
    content = message["content"]
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def _no_traceback(out):
    everything = " ".join(text_of(m) for m in out.messages) + out.understood + str(out.details.get("reply"))
    assert "Traceback" not in everything and 'File "' not in everything, everything[-2000:]


def assert_refused(out, pattern: str, index: int = 1):
    """Refused with a plain-words message (matching `pattern`) shown in the chat, the panel and the details."""
    d = out.details
    assert d, f"no turn was recorded (a silent failure); toasts: {out.toasts}"
    assert d["index"] == index, d
    assert d["action"] == "input_error", f"expected a refusal, got {d['action']}: {d['reply']}"
    assert re.search(pattern, d["reply"], re.I), f"the message does not name the problem: {d['reply']!r}"
    last = out.messages[-1]
    assert last["role"] == "assistant"
    assert re.search(pattern, html.unescape(text_of(last)), re.I), text_of(last)
    assert "could not be used" in out.understood
    _no_traceback(out)


def assert_answered(out, index: int = 1):
    d = out.details
    assert d, f"no turn was recorded (a silent failure); toasts: {out.toasts}"
    assert d["index"] == index, d
    assert d["action"] != "input_error", f"refused: {d['reply']}"
    assert d["reply"].strip() and d["understanding"] is not None, d
    assert out.messages[-1]["role"] == "assistant" and text_of(out.messages[-1]).strip()
    _no_traceback(out)


def assert_answered_or_notice(out, index=1):
    """Answered, or told politely that only English is served: not a refusal of the input."""
    d = out.details
    assert d and d["index"] == index and d["action"] != "input_error" and d["reply"].strip(), d
    _no_traceback(out)


def assert_next_turn_works(client, index: int):
    """The same session goes on: an ordinary question is answered and its order number remembered."""
    out = chat(client, NEXT)
    assert_answered(out, index)
    assert out.details["understanding"]["slots"].get("order") == "A-20931", out.details
    return out


# ------------------------------------------------------------------------------------------ images
def _noise_photo(w=400, h=300, seed=0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8))


def _parcel_like(w: int, h: int) -> Image.Image:
    """A mostly flat picture (cheap to make and to compress) with a parcel-like shape on it."""
    img = Image.new("RGB", (w, h), (178, 160, 140))
    d = ImageDraw.Draw(img)
    d.rectangle([w // 4, h // 4, 3 * w // 4, 3 * h // 4], fill=(196, 150, 96), outline=(120, 85, 50),
                width=max(2, w // 200))
    d.rectangle([w // 2, h // 2 - h // 12, w // 2 + w // 6, h // 2 + h // 12], fill=(245, 245, 240))
    return img


def img_truncated_jpeg(tmp):
    import io

    buf = io.BytesIO()
    _noise_photo().save(buf, format="JPEG", quality=90)
    path = tmp / "truncated.jpg"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 3])
    return path


def img_corrupt_bytes(tmp):
    path = tmp / "corrupt.jpg"
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    return path


def img_text_as_png(tmp):
    path = tmp / "notes.png"
    path.write_text("this is a text file pretending to be a PNG\n" * 20)
    return path


def img_decompression_bomb(tmp):
    path = tmp / "bomb.png"          # a real 20000x20000 1-bit PNG: 400 MP, a few dozen kB on disk
    Image.new("1", (20000, 20000), 0).save(path, optimize=False)
    assert path.stat().st_size < 1_000_000
    return path


def img_50_megapixel(tmp):
    path = tmp / "phone_50mp.jpg"
    _parcel_like(8660, 5773).save(path, quality=70)
    return path


def img_cmyk(tmp):
    path = tmp / "cmyk.jpg"
    _parcel_like(320, 240).convert("CMYK").save(path, quality=90)
    return path


def img_png16(tmp):
    path = tmp / "deep16.png"
    arr = np.linspace(0, 65535, 200 * 160).reshape(160, 200).astype(np.uint16)
    Image.fromarray(arr, mode="I;16").save(path)
    assert Image.open(path).mode.startswith("I;16")
    return path


def img_animated_gif(tmp):
    path = tmp / "anim.gif"
    frames = [_parcel_like(160, 120), Image.new("RGB", (160, 120), (0, 255, 0))]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return path


def img_exif_rotated(tmp):
    path = tmp / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6   # "rotate 90 degrees clockwise to display"
    _parcel_like(320, 200).save(path, exif=exif, quality=90)
    return path


def img_one_pixel(tmp):
    path = tmp / "dot.png"
    Image.new("RGB", (1, 1), (255, 0, 0)).save(path)
    return path


IMAGE_CASES = [  # (maker, None = accepted and answered, or the words the refusal must use)
    (img_truncated_jpeg, r"damaged|incomplete"),
    (img_corrupt_bytes, r"not an image"),
    (img_text_as_png, r"not an image"),
    (img_decompression_bomb, r"20000x20000.*limit is 80 MP"),
    (img_50_megapixel, None),
    (img_cmyk, None),
    (img_png16, None),
    (img_animated_gif, None),
    (img_exif_rotated, None),
    (img_one_pixel, r"too small"),
]


@pytest.mark.parametrize("maker,refusal", IMAGE_CASES, ids=[m.__name__[4:] for m, _ in IMAGE_CASES])
def test_image_upload(client, tmp_path, maker, refusal):
    path = maker(tmp_path)
    out = chat(client, "This is the photo of what arrived.", [path])
    user = [m for m in out.messages if m["role"] == "user"]
    shown = [m for m in user if isinstance(m["content"], list)
             and any(isinstance(p, dict) and p.get("type") == "file" for p in m["content"])]
    if refusal == r"not an image":   # no broken-image icon in the customer's bubble: the file is named instead
        named = f"{path.name} (not an image that can be shown)"
        assert not shown and any(named in html.unescape(text_of(m)).replace("*", "") for m in user), user
    else:
        assert shown, "the photo is shown in the customer's bubble"
    if refusal:
        assert_refused(out, refusal)
    else:
        assert_answered(out)
        assert out.details["image"] == path.name
        assert out.details["understanding"]["image_kind"], "the photo was accepted but not looked at"
    assert_next_turn_works(client, 2)


# ------------------------------------------------------------------------------------------ audio
def _need(tool):
    if not shutil.which(tool):
        pytest.skip(f"{tool} is not installed")


def _write(path, wave, sr, subtype="PCM_16"):
    import soundfile as sf

    sf.write(str(path), wave, sr, subtype=subtype)
    return path


def _ffmpeg(src, dst, *args):
    _need("ffmpeg")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(src), *args, str(dst)], check=True)
    return dst


def aud_empty(tmp, voice):
    path = tmp / "empty.wav"
    path.write_bytes(b"")
    return path


def aud_tenth_of_a_second(tmp, voice):
    t = np.arange(int(0.1 * SR)) / SR
    return _write(tmp / "blip.wav", 0.3 * np.sin(2 * np.pi * 220 * t), SR)


def aud_digital_silence(tmp, voice):
    return _write(tmp / "silence.wav", np.zeros(2 * SR), SR)


def aud_clipping_noise(tmp, voice):
    noise = np.clip(np.random.default_rng(2).standard_normal(2 * SR) * 3, -1, 1)   # mostly pinned at +-1
    return _write(tmp / "noise.wav", noise, SR)


def aud_8khz_speech(tmp, voice):
    return _ffmpeg(voice, tmp / "phone_8k.wav", "-ar", "8000", "-ac", "1")


def aud_48khz_stereo_speech(tmp, voice):
    return _ffmpeg(voice, tmp / "studio_48k_stereo.wav", "-ar", "48000", "-ac", "2")


def aud_flac_speech(tmp, voice):
    return _ffmpeg(voice, tmp / "voice.flac")


def aud_opus_speech(tmp, voice):
    return _ffmpeg(voice, tmp / "voice.opus", "-c:a", "libopus", "-ar", "48000")


def aud_mp3_speech(tmp, voice):
    return _ffmpeg(voice, tmp / "voice.mp3")


def aud_corrupt_wav(tmp, voice):
    path = tmp / "corrupt.wav"
    path.write_bytes(np.random.default_rng(4).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    return path


def aud_corrupt_mp3(tmp, voice):
    path = tmp / "corrupt.mp3"
    path.write_bytes(np.random.default_rng(5).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    return path


def aud_ten_minutes(tmp, voice):
    # 10 minutes of quiet noise at 8 kHz, 16-bit: 9.6 MB, under the 20 MB upload limit, so the length check speaks
    noise = np.random.default_rng(6).standard_normal(8000 * 600).astype(np.float32) * 0.05
    return _write(tmp / "long_call.wav", noise, 8000)


LENGTH = r"10(\.0)? minutes.*30 s"
AUDIO_CASES = [  # (maker, None = accepted and transcribed, or the words the refusal must use)
    (aud_empty, r"empty"),
    (aud_tenth_of_a_second, r"too short"),
    (aud_digital_silence, r"silent|couldn't hear"),
    (aud_clipping_noise, r"couldn't make out any words"),   # decodes fine; the recogniser hears no words in it
    (aud_8khz_speech, None),
    (aud_48khz_stereo_speech, None),
    (aud_flac_speech, None),
    (aud_opus_speech, None),
    (aud_corrupt_wav, r"not audio"),
    (aud_ten_minutes, LENGTH),
]
RECORDER_CASES = [
    (aud_empty, r"empty"),
    (aud_tenth_of_a_second, r"too short"),
    (aud_digital_silence, r"silent|couldn't hear"),
    (aud_corrupt_wav, r"not audio"),
    (aud_corrupt_mp3, r"not audio"),
    (aud_ten_minutes, LENGTH),
    (aud_48khz_stereo_speech, None),
    (aud_mp3_speech, None),
]


def _check_audio_turn(out, path, refusal):
    if refusal:
        assert_refused(out, refusal)
    else:
        assert_answered(out)
        assert out.details["audio"] == path.name
        assert "order" in (out.details["understanding"]["transcript"] or "").lower(), out.details


@pytest.mark.parametrize("maker,refusal", AUDIO_CASES, ids=[m.__name__[4:] for m, _ in AUDIO_CASES])
def test_audio_file_in_the_chat(client, tmp_path, voice_wav, maker, refusal):
    path = maker(tmp_path, voice_wav)
    out = chat(client, files=[path])
    _check_audio_turn(out, path, refusal)
    assert_next_turn_works(client, 2)


@pytest.mark.parametrize("maker,refusal", RECORDER_CASES, ids=[m.__name__[4:] for m, _ in RECORDER_CASES])
def test_audio_through_the_recorder(client, tmp_path, voice_wav, maker, refusal):
    path = maker(tmp_path, voice_wav)
    out = send_recording(client, path)
    _check_audio_turn(out, path, refusal)
    assert_next_turn_works(client, 2)


def test_sending_the_recorder_with_nothing_recorded(client):
    out, toasts = _call(client, "/send_recording", None, "attention")
    messages, *_rest = out
    assert messages == [] and out[4] == {}, "nothing was sent, so nothing is added"
    assert any(re.search(r"record|type", t, re.I) for t in toasts), f"no message shown; toasts: {toasts}"
    assert_next_turn_works(client, 1)


def test_unsupported_file_type_is_named(client, tmp_path):
    """A document is stopped by the text box's own file-type check (a gr.Error the page shows as it is), which
    names the formats it takes; the session goes on."""
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    path = tmp_path / "invoice.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"0" * 2000)
    with pytest.raises(AppError) as err:
        client.predict({"text": "", "files": [handle_file(str(path))]}, None, "attention", api_name="/chat")
    message = str(err.value)
    assert "Invalid file type" in message and ".wav" in message and "image" in message, message
    assert_next_turn_works(client, 1)


# ------------------------------------------------------------------------------------------ text
@pytest.mark.parametrize("text", ["", "   \n\t  "], ids=["empty", "whitespace"])
def test_empty_message_is_not_a_turn_but_says_why(client, text):
    out = chat(client, text)
    assert out.messages == [] and out.details == {}, "nothing was sent, so nothing is added"
    assert any(re.search(r"type a message", t, re.I) for t in out.toasts), f"no message shown; toasts: {out.toasts}"
    assert_next_turn_works(client, 1)


def test_hundred_thousand_characters_refused_with_the_limit(client):
    text = ("my parcel is late and nobody answers my emails " * 2200)[:100_000]
    out = chat(client, text)
    assert_refused(out, r"100,000 characters.*limit is 2,000")
    echo = text_of(out.messages[0])
    assert len(echo) < 20_000 and "98,000 more characters" in echo, "the chat echoes only the start of it"
    assert_next_turn_works(client, 2)


CONTROLS = "".join(chr(c) for c in range(0x20) if chr(c) not in "\n\t") + "\x7f"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_control_and_bidi_characters_are_not_echoed(client):
    text = "Where is my order?\x00\x07\x1b[31m A-12345 \u202eevil\u202c\x7f and\x08 \x1f it is late\x0b\x0c"
    out = chat(client, text)
    assert_answered(out)
    assert out.details["understanding"]["slots"].get("order") == "A-12345", out.details
    echo = html.unescape(text_of(out.messages[0]))
    assert out.messages[0]["role"] == "user" and "Where is my order?" in echo and "it is late" in echo
    bad = sorted({f"U+{ord(ch):04X}" for ch in echo if ch in CONTROLS or ch in BIDI})
    assert not bad, f"control or bidi-override characters echoed into the chat: {bad}"
    for m in out.messages[1:]:
        assert not any(ch in CONTROLS or ch in BIDI for ch in html.unescape(text_of(m))), text_of(m)
    assert_next_turn_works(client, 2)


@pytest.mark.parametrize("text,language", [("أين طلبي؟ لم يصل بعد", "Arabic"), ("איפה ההזמנה שלי? היא לא הגיעה", "Hebrew")],
                         ids=["arabic", "hebrew"])
def test_right_to_left_text(client, text, language):
    out = chat(client, text)
    assert_answered_or_notice(out)
    assert out.details["action"] == "language_notice" and language in out.details["reply"], out.details
    assert html.unescape(text_of(out.messages[0])) == text, "the message is shown as typed"
    assert_next_turn_works(client, 2)


def test_emoji_only(client):
    text = "📦😡📦❓"
    out = chat(client, text)
    assert_answered(out)
    assert html.unescape(text_of(out.messages[0])) == text
    assert_next_turn_works(client, 2)


MARKUP = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "[win a prize](https://evil.example/x)",
          "![x](https://evil.example/p.png)"]


@pytest.mark.parametrize("text", MARKUP, ids=["img-onerror", "script", "md-link", "md-image"])
def test_markup_comes_back_as_inert_text(client, text):
    out = chat(client, text)
    assert_answered_or_notice(out)
    echo = text_of(out.messages[0])
    assert html.unescape(echo) == text, "the message is shown exactly as typed"
    live = re.compile(r"<\s*(img|script)|onerror\s*=|\]\(|!\[|https?://evil", re.I)
    for m in out.messages:
        assert not live.search(text_of(m)), f"live markup in a {m['role']} message: {text_of(m)!r}"
    assert not live.search(out.understood), out.understood
    assert_next_turn_works(client, 2)
