"""The app makes no network calls, neither while starting nor while serving.

A separate `python app.py` runs with a sitecustomize.py first on its PYTHONPATH that wraps the socket layer: any
destination other than loopback (127.0.0.0/8, ::1, localhost) or a Unix socket fails with an OSError AND is written
to a log. The app starts (without HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE / GRADIO_ANALYTICS_ENABLED in its
environment: it has to be offline by itself), answers a text turn, a text+photo turn and a voice turn, stops, and
the log of blocked attempts must be empty. (Native code that opens sockets without Python is not covered.)
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mmdemo.load import free_port, stop, wait_models, wait_page

ROOT = Path(__file__).resolve().parent.parent
CHECKPOINT = ROOT / "assets" / "checkpoints" / "attention" / "config.json"

GUARD = r'''
"""Test harness (tests/test_no_network.py): block and record every non-loopback network attempt."""
import errno
import ipaddress
import os
import socket
import sys
import traceback

_LOG = os.environ["MMDEMO_NETGUARD_LOG"]
sys.modules.setdefault("uvloop", None)   # keep every event loop on the (wrapped) Python socket layer
with open(_LOG + ".loaded", "a") as _fh:
    _fh.write(f"{os.getpid()}\n")

_LOCAL_NAMES = {"", "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _local(host):
    if host is None:
        return True
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0].lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def _blocked(what, dest):
    stack = "".join(traceback.format_stack()[:-2][-12:])
    with open(_LOG, "a") as fh:
        fh.write(f"--- pid {os.getpid()} {what} {dest!r}\n{stack}\n")
    return OSError(errno.ENETUNREACH, f"network blocked by tests/test_no_network.py: {what} {dest!r}")


def _check_address(sock, address, what):
    if getattr(sock, "family", None) == getattr(socket, "AF_UNIX", None) or isinstance(address, (str, bytes)):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not _local(host):
        raise _blocked(what, address)


_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
_sendmsg = getattr(socket.socket, "sendmsg", None)
_create_connection, _getaddrinfo = socket.create_connection, socket.getaddrinfo
_gethostbyname, _gethostbyname_ex = socket.gethostbyname, socket.gethostbyname_ex


def connect(self, address):
    _check_address(self, address, "connect")
    return _connect(self, address)


def connect_ex(self, address):
    try:
        _check_address(self, address, "connect_ex")
    except OSError as exc:
        return exc.errno
    return _connect_ex(self, address)


def sendto(self, data, *args):
    _check_address(self, args[-1], "sendto")
    return _sendto(self, data, *args)


def sendmsg(self, buffers, ancdata=(), flags=0, address=None):
    if address is not None:
        _check_address(self, address, "sendmsg")
        return _sendmsg(self, buffers, ancdata, flags, address)
    return _sendmsg(self, buffers, ancdata, flags)


def create_connection(address, *args, **kwargs):
    if not _local(address[0]):
        raise _blocked("create_connection", address)
    return _create_connection(address, *args, **kwargs)


def getaddrinfo(host, *args, **kwargs):
    if not _local(host):
        raise _blocked("getaddrinfo", host)
    return _getaddrinfo(host, *args, **kwargs)


def gethostbyname(host):
    if not _local(host):
        raise _blocked("gethostbyname", host)
    return _gethostbyname(host)


def gethostbyname_ex(host):
    if not _local(host):
        raise _blocked("gethostbyname_ex", host)
    return _gethostbyname_ex(host)


socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
if _sendmsg is not None:
    socket.socket.sendmsg = sendmsg
socket.create_connection, socket.getaddrinfo = create_connection, getaddrinfo
socket.gethostbyname, socket.gethostbyname_ex = gethostbyname, gethostbyname_ex
'''


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def _tail(path: Path, n: int = 40) -> str:
    return "\n".join(_read(path).splitlines()[-n:]) or "(no log)"


@pytest.fixture()
def guard(tmp_path):
    """A folder holding the wrapping sitecustomize.py, the environment that loads it, and its log."""
    folder = tmp_path / "netguard"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "blocked.log"
    env = {k: v for k, v in os.environ.items()
           if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "GRADIO_ANALYTICS_ENABLED", "GRADIO_SERVER_PORT")}
    env.update(PYTHONPATH=os.pathsep.join([str(folder), str(ROOT)] + ([os.environ["PYTHONPATH"]]
                                                                       if os.environ.get("PYTHONPATH") else [])),
               MMDEMO_NETGUARD_LOG=str(log), PYTHONUNBUFFERED="1")
    return env, log


def test_the_guard_blocks_and_records(guard):
    """The harness itself: an outside connection fails and is logged; loopback still works."""
    env, log = guard
    probe = ("import socket\n"
             "srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)\n"
             "socket.create_connection(srv.getsockname(), timeout=2).close()\n"
             "for target in [('203.0.113.7', 443), ('example.com', 80)]:\n"
             "    try:\n"
             "        socket.create_connection(target, timeout=2)\n"
             "    except OSError as exc:\n"
             "        print('blocked', exc)\n"
             "    else:\n"
             "        raise SystemExit('not blocked: %r' % (target,))\n"
             "s = socket.socket()\n"
             "assert s.connect_ex(('198.51.100.1', 80)) != 0\n")
    run = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert [line.split()[0] for line in run.stdout.splitlines()] == ["blocked", "blocked"], run.stdout
    text = _read(log)
    assert "203.0.113.7" in text and "example.com" in text and "198.51.100.1" in text, text
    assert "127.0.0.1" not in text, text


@pytest.mark.timeout(600)
def test_app_makes_no_network_calls(guard, tmp_path, parcel_jpg, voice_wav):
    if not CHECKPOINT.exists() and os.environ.get("MMDEMO_ALLOW_UNTRAINED") != "1":
        pytest.skip(f"the app needs the trained checkpoints: {CHECKPOINT.relative_to(ROOT)} is missing")
    env, log = guard
    env["GRADIO_TEMP_DIR"] = str(tmp_path / "gradio")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    app_log = tmp_path / "app.log"
    t0 = time.perf_counter()
    with open(app_log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        try:
            wait_page(url, 180, proc, app_log, t0)
            wait_models(url, 420, app_log, t0)
        except RuntimeError as exc:
            pytest.fail(f"{exc}\nblocked:\n{_read(log)}")
        from gradio_client import Client, handle_file

        client = Client(url, verbose=False)

        def chat(text, files=()):
            out = client.predict({"text": text, "files": [handle_file(str(f)) for f in files]}, None, "attention",
                                 api_name="/chat")
            details = out[4]
            assert details and details["action"] != "input_error", details
            return details

        chat("Where is my order A-20931? It has not arrived.")
        assert chat("This is what arrived, the box is damaged.", [parcel_jpg])["image"] == parcel_jpg.name
        heard = chat("", [voice_wav])["understanding"]["transcript"] or ""
        assert "order" in heard.lower(), heard
    finally:
        stop(proc, 20)

    loaded = _read(Path(str(log) + ".loaded")).split()
    assert str(proc.pid) in loaded, f"the guard was not loaded in the app (pids {loaded}); the test proves nothing"
    blocked = _read(log)
    assert not blocked, f"the app tried to reach the network:\n{blocked}\n--- app log:\n{_tail(app_log)}"
