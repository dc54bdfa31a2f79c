"""Shared fixtures. Heavy ones are session-scoped: a tiny data build and tiny trained checkpoints."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


SHARED_TMP = Path(__import__("tempfile").gettempdir())   # the machine's temp folder, which the app's processes use


@pytest.fixture(scope="session", autouse=True)
def private_tempdir(tmp_path_factory):
    """Point this process's tempfile at a folder pytest owns. gradio_client downloads each file through a fresh
    /tmp/<40 hex> folder that it empties but never removes: some 200 such folders per run were left in the
    shared /tmp (10,000 after a day of runs). Under pytest's base temp they go with pytest's own clean-up."""
    import tempfile

    before = tempfile.tempdir
    tempfile.tempdir = str(tmp_path_factory.mktemp("tempdir"))
    yield
    tempfile.tempdir = before


@pytest.fixture
def one_thread():
    """Tiny models on shared cores: one torch thread avoids oversubscription (many times faster)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> Path:
    """A tiny but complete build (real TTS and real ASR): train 160, val 8, test 10 samples, fixed here so that the
    fixture does not grow with DEFAULT_SIZES (the photo bank still follows --scale)."""
    out = tmp_path_factory.mktemp("tiny_data")
    subprocess.run([sys.executable, "-m", "mmdemo.data", "build", "--out", str(out), "--scale", "0.01",
                    "--sizes", "train=160,val=8,test=10", "--seed", "3"], check=True, cwd=ROOT, capture_output=True)
    return out


TINY_CONFIG = '{"d_model": 32, "d_ff": 64, "audio_dim": 32, "n_layers": 1}'   # model width for tests


@pytest.fixture(scope="session")
def tiny_checkpoints(tiny_data, tmp_path_factory) -> Path:
    """All four fusion strategies trained for a few steps on the tiny build (small model width), two at a time
    in one-thread processes (`--jobs 2`, as the full training runs)."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("tiny_ckpt")
    from mmdemo.train import main as train_main
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        train_main(["--fusion", "all", "--data", str(tiny_data), "--out", str(out), "--cache-dir",
                    str(tiny_data / "cache"), "--epochs", "3", "--batch-size", "16", "--patience", "3", "--jobs", "2",
                    "--config", TINY_CONFIG])
    (out / "train_stdout.txt").write_text(printed.getvalue())   # what a person running it saw (test_train)
    return out


# ------------------------------------------------------------------------------------------ the running app
# (tests/test_ui_api.py and tests/test_ui_browser.py share ONE app process, started on a free port.)
APP_CHECKPOINT = ROOT / "assets" / "checkpoints" / "attention" / "config.json"
APP_START_LIMIT_S = 15.0      # the page must be served this fast (models load behind it)
APP_READY_LIMIT_S = 240.0     # models loaded and warmed


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """`python app.py --port N` in a subprocess; yields (url, started_s, log). Waits for the page, then for the
    badge to say "ready" (models loaded and warmed). Skips without the trained checkpoints, unless
    MMDEMO_ALLOW_UNTRAINED=1 (development: random weights, so intent assertions are loosened)."""
    import time
    from types import SimpleNamespace

    untrained = os.environ.get("MMDEMO_ALLOW_UNTRAINED") == "1"
    if not APP_CHECKPOINT.exists() and not untrained:
        pytest.skip(f"the app tests need the trained checkpoints: {APP_CHECKPOINT.relative_to(ROOT)} is missing "
                    "(train them with `python -m mmdemo.train --fusion all`)")
    from mmdemo.load import free_port, stop, wait_models, wait_page

    port = free_port()
    folder = tmp_path_factory.mktemp("app")
    log = folder / "app.log"
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1",
               GRADIO_TEMP_DIR=str(folder / "gradio"))
    env.pop("GRADIO_SERVER_PORT", None)
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        try:
            started = wait_page(url, 60, proc, log, t0)
            ready = wait_models(url, APP_READY_LIMIT_S, log, t0)
        except RuntimeError as exc:
            pytest.fail(str(exc))
        yield SimpleNamespace(url=url, port=port, pid=proc.pid, started_s=started, ready_s=ready, log=log,
                              untrained=untrained and not APP_CHECKPOINT.exists())
    finally:
        stop(proc, 10)


@pytest.fixture(scope="session")
def voice_wav(tmp_path_factory) -> Path:
    """A clear spoken order enquiry (espeak-ng, US English, slowed a little so tiny.en transcribes it exactly)."""
    import shutil

    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed")
    path = tmp_path_factory.mktemp("voice") / "where_is_my_order.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "130", "-w", str(path),
                    "Where is my order? The order number is 12345."], check=True, capture_output=True)
    return path


@pytest.fixture(scope="session")
def parcel_jpg(tmp_path_factory) -> Path:
    """A photo-like picture of a cardboard parcel with a shipping label (drawn with PIL, no assets needed)."""
    from PIL import Image, ImageDraw, ImageFilter

    img = Image.new("RGB", (640, 480), (178, 160, 140))
    d = ImageDraw.Draw(img)
    d.polygon([(150, 170), (460, 140), (540, 330), (220, 380)], fill=(196, 150, 96), outline=(120, 85, 50))
    d.polygon([(150, 170), (460, 140), (470, 110), (170, 135)], fill=(214, 172, 118))
    d.rectangle([300, 220, 440, 300], fill=(245, 245, 240))
    for y in range(232, 292, 12):
        d.line([(312, y), (420, y)], fill=(40, 40, 40), width=3)
    d.line([(300, 155), (380, 350)], fill=(150, 120, 80), width=10)
    path = tmp_path_factory.mktemp("images") / "parcel.jpg"
    img.filter(ImageFilter.GaussianBlur(1.2)).save(path, quality=90)
    return path
