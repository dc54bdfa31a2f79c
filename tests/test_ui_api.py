"""The app's named API endpoints, called with gradio_client against `python app.py` (see conftest.app_server)."""
import json
from pathlib import Path

import pytest

from mmdemo.schema import IMAGE_KINDS, INTENTS

pytestmark = pytest.mark.timeout(300)

ENDPOINTS = {"/chat", "/send_recording", "/retry", "/undo", "/clear", "/export", "/explain", "/compare", "/predict",
             "/status"}


@pytest.fixture()
def client(app_server):
    from gradio_client import Client

    return Client(app_server.url, verbose=False)   # a new client is a new browser session


def chat(client, text="", files=(), recording=None, fusion="attention"):
    """-> (chatbot messages, understood markdown, last turn dict)."""
    from gradio_client import handle_file

    out = client.predict({"text": text, "files": [handle_file(str(f)) for f in files]},
                         handle_file(str(recording)) if recording else None, fusion, api_name="/chat")
    messages, _box, _rec, understood, details, _turns = out
    return messages, understood, details


def text_of(message) -> str:
    content = message["content"]
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def test_starts_fast_and_lists_every_endpoint(app_server, client):
    assert app_server.started_s < 15.0, f"the page took {app_server.started_s:.1f} s to come up"
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert ENDPOINTS <= names, f"missing endpoints: {sorted(ENDPOINTS - names)}"
    badge, _timer = client.predict(api_name="/status")
    assert "ready" in badge


def test_how_it_works_names_as_many_transcripts_as_the_app_reads():
    from mmdemo import ui
    from mmdemo.asr import SERVING_HYPOTHESES

    for page in (ui.PIPELINE_HTML, ui.HOW_MD):
        assert "N_BEST" not in page and f"{SERVING_HYPOTHESES} best transcripts" in page


def test_text_and_image_turn(client, parcel_jpg):
    messages, understood, turn = chat(client, "Where is this parcel? It has not arrived yet.", [parcel_jpg])
    assert turn["index"] == 1 and turn["image"] == parcel_jpg.name
    u = turn["understanding"]
    assert u["intent"] in INTENTS and 0 < u["confidence"] <= 1
    assert u["image_kind"] in IMAGE_KINDS
    assert turn["action"] != "input_error" and turn["reply"]
    roles = [m["role"] for m in messages]
    assert roles.count("assistant") == 1 and roles[-1] == "assistant"
    assert any(isinstance(m["content"], list) and any(p.get("type") == "file" for p in m["content"])
               for m in messages if m["role"] == "user"), "the photo is shown in the chat"
    assert "Understood" in text_of(messages[-1]) and "Understood" in understood


def test_voice_turn(client, voice_wav):
    _, understood, turn = chat(client, files=[voice_wav])
    transcript = (turn["understanding"] or {}).get("transcript") or ""
    assert "order" in transcript.lower(), turn
    assert "Heard" in understood
    # the fallback recorder's own endpoint takes the same recording; the conversation goes on
    out = client.predict(__import__("gradio_client").handle_file(str(voice_wav)), "attention",
                         api_name="/send_recording")
    assert out[4]["index"] == 2 and "order" in out[4]["understanding"]["transcript"].lower()


@pytest.mark.parametrize("ext", ["mp3", "webm", "ogg", "m4a"])
def test_uploaded_audio_files_work_like_recordings(client, voice_wav, tmp_path, ext):
    import shutil
    import subprocess

    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed")
    path = tmp_path / f"voice.{ext}"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(voice_wav), str(path)], check=True)
    _, _, turn = chat(client, files=[path])
    assert turn["audio"] == path.name and turn["action"] != "input_error", turn
    assert "order" in turn["understanding"]["transcript"].lower()


def test_multi_turn_order_enquiry_remembers_the_order_number(app_server, client):
    _, _, first = chat(client, "Where is my order? It still has not arrived.")
    if not app_server.untrained:
        assert first["understanding"]["intent"] == "order_status"
        assert first["action"] == "follow_up", first["reply"]
    _, understood, second = chat(client, "The order number is A-20931")
    assert second["understanding"]["slots"].get("order") == "A-20931" or "A-20931" in understood
    _, _, third = chat(client, "When will it be delivered?")
    exported = Path(client.predict(api_name="/export"))
    conv = json.loads(exported.read_text())
    assert conv["slots"].get("order") == "A-20931", conv["slots"]
    assert [t["index"] for t in conv["turns"]] == [1, 2, 3]
    if not app_server.untrained:
        assert "A-20931" in second["reply"] + third["reply"]


def test_undo_retry_clear(client):
    chat(client, "hello")
    chat(client, "I was charged twice for my order")
    messages, _, _, _, _, turns = client.predict(api_name="/undo")
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert [value for _, value in turns["choices"]] == [-1, 1]
    messages, _, _, _, details, _ = client.predict("late", api_name="/retry")
    assert len(messages) == 2 and details["index"] == 1 and details["understanding"]["fusion"] == "late"
    messages, *_ = client.predict(api_name="/clear")
    assert messages == []
    conv = json.loads(Path(client.predict(api_name="/export")).read_text())
    assert conv["turns"] == []


def test_explain_after_an_image_turn(client, parcel_jpg):
    chat(client, "This is what arrived", [parcel_jpg], fusion="late")
    out = client.predict(-1, 0, 1, -1, "raw", api_name="/explain")
    note, raw_img, roll_img, rel_img, raw_words, roll_words, rel_words = out[:7]
    assert "re-run" in note and "late" in note            # late has no attention: the panel says so
    for img in (raw_img, roll_img, rel_img):
        assert img["visible"] and Path(img["value"]).exists()
    words = [w["token"] for w in rel_words if w["class_or_confidence"] is not None]
    assert "arrived" in words
    scores = [w["class_or_confidence"] for w in raw_words if w["class_or_confidence"] is not None]
    assert scores and all(0 <= s <= 1 for s in scores)
    source_dd, layer_dd, head_dd = out[12:15]
    word = next(v for label, v in source_dd["choices"] if label == "word: arrived")
    out = client.predict(-1, word, 0, 0, "relevancy", api_name="/explain")
    assert "arrived" in out[0] and "layer 1, head 1" in out[0]


def test_compare_runs_all_four_strategies(client, parcel_jpg, voice_wav):
    from gradio_client import handle_file

    out = client.predict("my parcel", handle_file(str(parcel_jpg)), handle_file(str(voice_wav)),
                         api_name="/compare")
    note, cards, figs, raw = out[0], out[1:5], out[5:9], out[9]
    assert "text+image+audio" in note
    assert set(raw["strategies"]) == {"attention", "cross_attention", "late", "early"}
    for name, r in raw["strategies"].items():
        assert r["intent"] in INTENTS and r["parameters"] > 0 and r["fusion_ms"] > 0
        assert len(r["top3"]) == 3
    assert all("ms" in c for c in cards) and all(f is not None for f in figs)


def test_predict_is_stateless_json(client):
    out = client.predict("I forgot my password and can't log in", None, None, "early", api_name="/predict")
    assert out["fusion"] == "early" and out["intent"] in INTENTS and "explanation" not in out
    assert abs(sum(out["intent_probs"].values()) - 1) < 1e-3
    assert "error" in client.predict("", None, None, "attention", api_name="/predict")


def test_markup_comes_back_inert(client):
    evil = '<img src=x onerror=alert(1)> <script>alert(2)</script> [click](javascript:alert(3))'
    messages, _, turn = chat(client, evil)
    shown = text_of(messages[0])
    assert "<img" not in shown and "<script" not in shown and "](" not in shown
    assert "&#60;img" in shown
    assert "<img" not in text_of(messages[-1]) and "<script" not in text_of(messages[-1])


def test_example_scenario_plays_every_turn(client):
    examples_file = Path(__file__).resolve().parent.parent / "assets" / "examples" / "examples.json"
    if not examples_file.exists():
        pytest.skip("assets/examples/examples.json does not exist yet")
    scenarios = json.loads(examples_file.read_text())
    longest = max(range(len(scenarios)), key=lambda i: len(scenarios[i]["turns"]))
    messages, _, _, _, details, _ = client.predict(longest, "attention", api_name="/run_example")
    assert details["index"] == len(scenarios[longest]["turns"])
    assert sum(m["role"] == "assistant" for m in messages) == len(scenarios[longest]["turns"])
