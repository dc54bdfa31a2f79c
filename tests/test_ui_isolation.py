"""Two browser sessions at once: each keeps its own turns, order numbers and files; undo and clear in one leave the
other alone; what the app writes (uploads, exports) stays inside its GRADIO_TEMP_DIR."""
from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from conftest import SHARED_TMP

pytestmark = pytest.mark.timeout(300)

A_TURNS = [("Where is my order A-11111? It has not arrived.", "a_parcel_front.jpg"),
           ("Can you check it again please?", None),
           ("Here is another photo of the box", "a_parcel_side.jpg")]
B_TURNS = [("My order #88412 has not arrived yet", None),
           ("When will it be delivered?", None),
           ("Is there a tracking number for it?", None)]


def _client(app_server):
    from gradio_client import Client

    # download_files=False: file outputs come back as the server's own paths (to check where the app keeps them)
    return Client(app_server.url, verbose=False, download_files=False)


def _chat(client, text, image=None):
    from gradio_client import handle_file

    files = [handle_file(str(image))] if image else []
    return client.predict({"text": text, "files": files}, None, "attention", api_name="/chat")


def _export(client) -> tuple[Path, dict]:
    out = client.predict(api_name="/export")
    path = Path(out["path"] if isinstance(out, dict) else out)
    return path, json.loads(path.read_text(encoding="utf-8"))


def _file_paths(messages) -> list[str]:
    """The server paths of the files shown in the chat (Gradio 6 normalises them to {"type": "file", ...})."""
    paths = []
    for m in messages:
        content = m["content"]
        for part in content if isinstance(content, list) else [content]:
            if isinstance(part, dict):
                f = part.get("file") if part.get("type") == "file" else part
                if isinstance(f, dict) and f.get("path"):
                    paths.append(f["path"])
    return paths


def _within(path, folder: Path) -> bool:
    try:
        Path(path).resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


@pytest.fixture()
def photos(parcel_jpg, tmp_path):
    for _, name in A_TURNS:
        if name:
            shutil.copy(parcel_jpg, tmp_path / name)
    return tmp_path


def test_two_sessions_interleaved_stay_apart(app_server, photos):
    a, b = _client(app_server), _client(app_server)
    barrier = threading.Barrier(2, timeout=240)
    results: dict[str, list] = {"A": [], "B": []}
    errors: list[BaseException] = []

    def run(name, client, turns):
        try:
            for text, image in turns:
                barrier.wait()          # both sessions send each turn at the same moment
                results[name].append(_chat(client, text, photos / image if image else None))
        except BaseException as exc:    # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=("A", a, A_TURNS)),
               threading.Thread(target=run, args=("B", b, B_TURNS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(280)
    assert not errors, errors
    assert len(results["A"]) == len(results["B"]) == 3

    # the last /chat outputs: each session's chat holds its own three exchanges only
    for name, turns, other in (("A", A_TURNS, "88412"), ("B", B_TURNS, "11111")):
        messages, _box, _rec, _understood, details, _dd = results[name][-1]
        assert details["index"] == 3, details
        assert sum(m["role"] == "assistant" for m in messages) == 3
        assert other not in json.dumps(messages, ensure_ascii=False), f"session {name} shows the other's order"

    path_a, conv_a = _export(a)
    path_b, conv_b = _export(b)
    assert path_a != path_b
    assert [t["user_text"] for t in conv_a["turns"]] == [t for t, _ in A_TURNS]
    assert [t["user_text"] for t in conv_b["turns"]] == [t for t, _ in B_TURNS]
    assert conv_a["slots"].get("order") == "A-11111", conv_a["slots"]
    assert conv_b["slots"].get("order") == "88412", conv_b["slots"]
    assert [t["image"] for t in conv_a["turns"]] == [img for _, img in A_TURNS]
    assert [t["image"] for t in conv_b["turns"]] == [None, None, None]
    dump_a, dump_b = json.dumps(conv_a, ensure_ascii=False), json.dumps(conv_b, ensure_ascii=False)
    assert "88412" not in dump_a and "11111" not in dump_b
    assert not any(img in dump_b for _, img in A_TURNS if img), "session B's export names A's photos"
    assert conv_a["reference"] != conv_b["reference"]

    # undo in A leaves B alone; clear in B leaves A alone
    messages_a, *_ = a.predict(api_name="/undo")
    assert sum(m["role"] == "assistant" for m in messages_a) == 2
    assert [t["index"] for t in _export(a)[1]["turns"]] == [1, 2]
    assert [t["index"] for t in _export(b)[1]["turns"]] == [1, 2, 3]
    messages_b, *_ = b.predict(api_name="/clear")
    assert messages_b == []
    assert _export(b)[1]["turns"] == []
    conv_a_after = _export(a)[1]
    assert [t["user_text"] for t in conv_a_after["turns"]] == [t for t, _ in A_TURNS[:2]]
    assert conv_a_after["slots"].get("order") == "A-11111"


def test_uploads_and_exports_stay_in_the_app_temp_dir(app_server, photos):
    temp_dir = Path(app_server.log).parent / "gradio"     # the fixture's GRADIO_TEMP_DIR
    client = _client(app_server)
    messages, *_rest = _chat(client, "Where is my order A-11111?", photos / "a_parcel_front.jpg")
    uploads = _file_paths(messages)
    assert uploads and any(Path(p).name == "a_parcel_front.jpg" for p in uploads), messages
    for p in uploads:
        assert _within(p, temp_dir), f"the uploaded photo is kept outside GRADIO_TEMP_DIR: {p}"

    path, conv = _export(client)
    assert conv["slots"].get("order") == "A-11111"
    assert _within(path, temp_dir), f"the export is served from outside GRADIO_TEMP_DIR: {path}"
    # ... and the app left no copy of it in the machine's shared temp folder either
    shared = SHARED_TMP   # the app process's temp folder (this process's own is pytest's: conftest)
    strays = [p for p in (*shared.glob(path.name), *shared.glob(f"*/{path.name}"), *shared.glob(f"*/*/{path.name}"))
              if not _within(p, temp_dir)]
    assert not strays, f"the exported conversation was also written outside GRADIO_TEMP_DIR: {strays}"
