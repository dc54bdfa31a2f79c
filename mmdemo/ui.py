"""The Gradio app: Chat, Attention, Compare fusion strategies, How it works.

build_demo() returns the Blocks; launch_kwargs() the theme, CSS and limits that go to launch(). The models are
loaded in a background thread (Runtime), so the page is up in seconds and a badge says when it is ready.
Every action is a named API endpoint (see API_NAMES); per-browser state lives in gr.State (a Session holding
the dialogue's Conversation), never in globals.
"""
from __future__ import annotations

import functools
import html
import json
import logging
import os
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from . import limits, plots
from .asr import SERVING_HYPOTHESES
from .schema import INTENT_DESCRIPTIONS

log = logging.getLogger("mmdemo.ui")

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
EXAMPLES_DIR = ASSETS / "examples"
EVAL_FILE = ASSETS / "eval" / "test_results.json"
CHECKPOINTS = ASSETS / "checkpoints"
TRAINING_LOGS = CHECKPOINTS          # <fusion>/training_log.json
FUSIONS = ("attention", "cross_attention", "late", "early")
FUSION_LABELS = {"attention": "Attention (multimodal Transformer)", "cross_attention": "Cross-attention",
                 "late": "Late fusion", "early": "Early fusion"}
MAX_UNDO = 20                        # turns that Undo / Retry can step back through
SHORT_LABELS = {"attention": "Attention", "cross_attention": "Cross-attention", "late": "Late fusion",
                "early": "Early fusion"}
IMAGE_EXT = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".avif"}
AUDIO_EXT = {".wav", ".mp3", ".webm", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".flac", ".mp4"}
API_NAMES = ("chat", "send_recording", "retry", "undo", "clear", "export", "run_example", "explain", "compare",
             "predict", "status")
EXPLAIN_NOTE = ("Attention shows where the model looked, not why it decided: a head can attend strongly to a token "
                "whose content it then ignores, so the relevancy view weights every attention weight by the gradient "
                "of the predicted intent and keeps only what pushed the decision up.")


def pretty(label: str | None) -> str:
    return (label or "").replace("_", " ")


_INERT = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~$<>&:@=\"'"}
# Control characters (but newline and tab) and the bidi embedding/override/isolate marks are dropped: an entity would
# turn back into the same character in the browser, and U+202E would show the rest of the message reversed.
_INERT.update({chr(c): "" for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F,
                                     *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]})


def inert(text: str | None) -> str:
    """User text as plain text inside Markdown: every character that Markdown, HTML or the link detector could act
    on becomes a numeric entity, so `<img onerror=...>`, `<script>`, `[link](...)` or a bare URL show as typed;
    control characters and bidi overrides are dropped."""
    return "".join(_INERT.get(ch, ch) for ch in (text or ""))


def safe_reply(text: str | None) -> str:
    """The agent's Markdown reply with any HTML tag neutralised (it may quote what the user wrote)."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ------------------------------------------------------------------------------------------- runtime
class Runtime:
    """Loads the pipeline and the support agent in a background thread, then warms every model path."""

    def __init__(self, checkpoints: str | Path = CHECKPOINTS, allow_untrained: bool | None = None,
                 asr: Any = "faster-whisper"):
        self.checkpoints = Path(checkpoints)
        self.allow_untrained = (os.environ.get("MMDEMO_ALLOW_UNTRAINED") == "1") if allow_untrained is None \
            else allow_untrained
        self.asr = asr
        self.state, self.error, self.detail = "loading", None, ""
        self.pipeline = self.agent = None
        self._loaded = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "Runtime":
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="mmdemo-load", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        t0 = time.perf_counter()
        try:
            from .dialogue import SupportAgent
            from .inference import Pipeline

            pipe = Pipeline.load(self.checkpoints, asr=self.asr, allow_untrained=self.allow_untrained)
            self.agent, self.pipeline = SupportAgent(pipe), pipe
            self.state = "warming"
        except Exception as exc:  # shown in the badge and in every reply instead of a crash
            log.exception("loading the models failed")
            self.error, self.state = f"{type(exc).__name__}: {exc}", "error"
            return
        finally:
            self._loaded.set()
        try:
            self.pipeline.warm_up()
        except Exception:
            log.exception("warm-up failed (the app still serves)")
        self.detail = f"loaded and warmed in {time.perf_counter() - t0:.0f} s"
        self.state = "ready"
        log.info("mmdemo ready (%s)", self.detail)

    def get(self, timeout: float = 300.0):
        self.start()
        if not self._loaded.wait(timeout):
            raise gr.Error("The models are still loading; please try again in a moment.")
        if self.pipeline is None:
            raise gr.Error(f"The models could not be loaded ({self.error}).")
        return self.pipeline, self.agent

    @property
    def untrained(self) -> bool:
        return not (self.checkpoints / "attention" / "config.json").exists()


RUNTIME: Runtime | None = None


def runtime() -> Runtime:
    global RUNTIME
    if RUNTIME is None:
        RUNTIME = Runtime()
    return RUNTIME


def badge_html(rt: Runtime) -> str:
    text = {"loading": "loading models…", "warming": "warming up…", "ready": "ready",
            "error": "models failed to load"}[rt.state]
    extra = " · untrained models (development)" if rt.state != "error" and rt.untrained and rt.allow_untrained else ""
    title = html.escape(rt.error or rt.detail or "", quote=True)
    return f'<div class="badge {rt.state}" title="{title}"><span class="dot"></span>{text}{extra}</div>'


# ------------------------------------------------------------------------------------------- session
@dataclass
class Session:
    """One browser session: the dialogue's Conversation plus what undo and retry need."""
    conv: Any
    snapshots: list = field(default_factory=list)   # the Conversation before each turn

    @classmethod
    def new(cls) -> "Session":
        from .dialogue import Conversation
        return cls(Conversation())


def _session(s: Session | None) -> Session:
    return s if isinstance(s, Session) else Session.new()


def split_message(message: Any) -> tuple[str, list[str], list[str], list[str]]:
    """A MultimodalTextbox value -> (text, image paths, audio paths, other paths)."""
    if message is None:
        return "", [], [], []
    if isinstance(message, str):
        return message.strip(), [], [], []
    text = (message.get("text") or "").strip()
    images, audios, other = [], [], []
    for f in message.get("files") or []:
        path = f.get("path") if isinstance(f, dict) else str(f)
        if not path:
            continue
        ext = Path(path).suffix.lower()
        (images if ext in IMAGE_EXT else audios if ext in AUDIO_EXT else other).append(path)
    return text, images, audios, other


def understood_line(turn) -> str:
    u = turn.understanding
    if u is None:
        return ""
    parts = [f"<b>{pretty(u.intent)}</b> {u.confidence:.0%}"]
    if u.image_kind:
        parts.append(f"image: {pretty(u.image_kind)}")
    parts.append(f"tone: {u.tone}")
    if u.transcript:
        parts.append(f"heard: “{inert(u.transcript)}”")
    parts.append(f"{pretty(u.fusion)} · {u.latency_ms:.0f} ms")
    return '\n\n<span class="understood">Understood: ' + " · ".join(parts) + "</span>"


@functools.lru_cache(maxsize=256)
def _browser_can_show(path: str) -> bool:
    """Whether an uploaded image file is one the chat can draw: a file that is no image at all (refused with
    a message) would otherwise sit in the customer's bubble as a broken-image icon. Reads the header only."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            return im.width > 0 and im.height > 0
    except Exception:   # noqa: BLE001 - any file PIL cannot identify
        return False


def _file_message(path: str | None, kind: str) -> dict | None:
    if not path:
        return None
    if not Path(path).exists():
        return {"role": "user", "content": f"*({kind} no longer available)*"}
    if kind == "image" and not _browser_can_show(str(path)):
        return {"role": "user", "content": f"Attached: {inert(Path(path).name)} *(not an image that can be shown)*"}
    return {"role": "user", "content": {"path": str(path)}}


def user_messages(text: str, image: str | None, audio: str | None) -> list[dict]:
    msgs = []
    if text:
        msgs.append({"role": "user", "content": inert(text)})
    for m in (_file_message(image, "image"), _file_message(audio, "recording")):
        if m:
            msgs.append(m)
    return msgs


def render(conv) -> list[dict]:
    msgs: list[dict] = []
    for t in conv.turns:
        msgs += user_messages(t.user_text, t.image, t.audio)
        msgs.append({"role": "assistant", "content": safe_reply(t.reply) + understood_line(t)})
    return msgs


def understood_panel(turn) -> str:
    if turn is None:
        return ("#### Understood\nSend a message, a photo or a voice note: what the assistant understood "
                "from it appears here.")
    u = turn.understanding
    if u is None:
        if turn.action == "input_error":
            return f"#### Understood\nThe last message could not be used: {inert(turn.error or turn.reply)}"
        return f"#### Understood\nThe last message was answered without the models ({inert(pretty(turn.action))})."
    lines = ["#### Understood",
             f"**{inert(pretty(u.intent))}**: {u.confidence:.0%} "
             f"<small>({inert(INTENT_DESCRIPTIONS.get(u.intent, ''))})</small>"]
    others = [f"{inert(pretty(i))} {p:.0%}" for i, p in (u.top or [])[1:3]]
    if others:
        lines.append(f"Also possible: {', '.join(others)}")
    lines.append(f"**Image**: {inert(pretty(u.image_kind)) if u.image_kind else 'none'}  \n"
                 f"**Tone**: {u.tone} ({u.tone_frustrated_p:.0%} frustrated)")
    if u.transcript:
        more = len(u.other_hypotheses or [])
        lines.append(f"**Heard**: “{inert(u.transcript)}”"
                     + (f" (the answer is averaged over the recogniser's {more + 1} best transcripts)" if more else ""))
    ocr = {k: v for k, v in (u.ocr or {}).items() if v not in (None, "", [], {})}
    if ocr:
        lines.append("**Read in the image**: " + ", ".join(f"{inert(pretty(k))} {inert(str(v))}" for k, v in ocr.items()))
    slots = {k: v for k, v in (u.slots or {}).items() if v not in (None, "", [], {})}
    if slots:
        lines.append("**Remembered**: " + ", ".join(f"{inert(pretty(k))} {inert(str(v))}" for k, v in slots.items()))
    lines.append(f"**Fusion**: {pretty(u.fusion)} · {u.latency_ms:.0f} ms · action *{inert(pretty(turn.action))}*")
    return "\n\n".join(lines)


def turn_choices(conv) -> list[tuple[str, int]]:
    choices = [("Latest turn", -1)]
    for t in conv.turns:
        what = t.user_text or ("voice message" if t.audio else "photo" if t.image else "")
        what = what if len(what) <= 40 else what[:39] + "…"
        choices.append((f"{t.index}. {what}", int(t.index)))
    return choices


def turn_details(turn) -> dict:
    return turn.to_dict() if turn is not None else {}


def _pending(conv, text, image, audio, label) -> list[dict]:
    return render(conv) + user_messages(text, image, audio) + [
        {"role": "assistant", "content": "", "metadata": {"title": label, "status": "pending"}}]


def _run_turn(s: Session, agent, text: str, image, audio, fusion: str):
    """Handle one turn; on an unexpected failure restore the conversation and say so instead of crashing."""
    before = s.conv.snapshot()
    try:
        turn = agent.handle(s.conv, text, image=image, audio=audio, fusion=fusion or "attention")
    except Exception:
        log.error("turn failed:\n%s", traceback.format_exc())
        s.conv = before
        gr.Warning("Sorry, something went wrong on my side with that message. Please try again.")
        return None
    s.snapshots = (s.snapshots + [before])[-MAX_UNDO:]
    return turn


def _chat_outputs(s: Session, turn):
    last = turn if turn is not None else (s.conv.turns[-1] if s.conv.turns else None)
    # the text box AND the fallback recorder are emptied after every turn, so nothing is sent twice
    return (render(s.conv), gr.MultimodalTextbox(value=None), None, s, understood_panel(last), turn_details(last),
            gr.Dropdown(choices=turn_choices(s.conv), value=-1))


def chat(message, recording, fusion, session):
    """One user turn from the text box (text, photos, uploaded or recorded audio) and/or the fallback recorder."""
    _, agent = runtime().get()
    s = _session(session)
    text, images, audios, other = split_message(message)
    if recording:
        audios.append(recording if isinstance(recording, str) else recording.get("path"))
    if not (text or images or audios):
        if other:
            gr.Warning("I can read photos (JPEG, PNG, WebP…) and voice messages (WAV, MP3, OGG, WebM, M4A) only.")
        else:
            gr.Warning("Please type a message, attach a photo or record a voice message.")
        yield _chat_outputs(s, None)
        return
    image, audio = (images or [None])[0], (audios or [None])[0]
    label = "Transcribing your voice message…" if audio else "Thinking…"
    pending = _chat_outputs(s, None)
    yield (_pending(s.conv, text, image, audio, label),) + pending[1:]
    turn = _run_turn(s, agent, text, image, audio, fusion)
    if len(images) > 1 or len(audios) > 1:
        gr.Info("Only the first photo and the first voice message of a message are read.")
    yield _chat_outputs(s, turn)


def send_recording(recording, fusion, session):
    """The fallback recorder's own send button: a voice-only turn."""
    yield from chat(None, recording, fusion, session)


def retry(fusion, session):
    """Run the last turn again (with the strategy now selected), as if it had never happened."""
    _, agent = runtime().get()
    s = _session(session)
    if not s.conv.turns or not s.snapshots:
        yield _chat_outputs(s, None)
        return
    last = s.conv.turns[-1]
    s.conv = s.snapshots.pop()
    yield (_pending(s.conv, last.user_text, last.image, last.audio, "Trying again…"),) + _chat_outputs(s, None)[1:]
    turn = _run_turn(s, agent, last.user_text or "", last.image, last.audio, fusion)
    yield _chat_outputs(s, turn)


def undo(session):
    s = _session(session)
    if s.snapshots:
        s.conv = s.snapshots.pop()
    return _chat_outputs(s, None)


def clear(session):
    return _chat_outputs(Session.new(), None)


def export(session):
    s = _session(session)
    # inside Gradio's own temp folder (GRADIO_TEMP_DIR), like the uploads: not left behind in the shared /tmp
    folder = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio") / "mmdemo-exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"conversation-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}.json"
    path.write_text(s.conv.to_json(), encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------------------------------- examples
def load_examples() -> list[dict]:
    try:
        data = json.loads((EXAMPLES_DIR / "examples.json").read_text(encoding="utf-8"))
        return [d for d in data if d.get("turns")]
    except (OSError, ValueError):
        return []


def _example_path(p: str | None) -> str | None:
    if not p:
        return None
    path = Path(p) if Path(p).is_absolute() else EXAMPLES_DIR / p
    return str(path) if path.exists() else None


def run_example(index, fusion, session):
    """Play one example scenario from the start, turn by turn."""
    examples = load_examples()
    _, agent = runtime().get()
    s = Session.new()
    if index is None or not 0 <= int(index) < len(examples):
        yield _chat_outputs(s, None)
        return
    turn = None
    for step in examples[int(index)]["turns"]:
        text, image, audio = step.get("text") or "", _example_path(step.get("image")), _example_path(step.get("audio"))
        label = "Transcribing the voice message…" if audio else "Thinking…"
        yield (_pending(s.conv, text, image, audio, label),) + _chat_outputs(s, turn)[1:]
        turn = _run_turn(s, agent, text, image, audio, fusion)
        yield _chat_outputs(s, turn)


# ------------------------------------------------------------------------------------------- attention tab
def _pick_turn(conv, choice):
    turns = [t for t in conv.turns if t.understanding is not None]
    if not turns:
        return None
    if choice is None or int(choice) < 0:
        return turns[-1]
    return next((t for t in turns if int(t.index) == int(choice)), turns[-1])


def _turn_key(t) -> str:
    return json.dumps([t.index, t.user_text, t.image, t.audio, t.understanding.fusion])


def _explained(pipeline, t, cache: dict):
    from .explain import explain_prepared, prepare_turn

    key = _turn_key(t)
    if key not in cache:
        prepared = prepare_turn(pipeline, t.user_text, t.image, t.audio, t.understanding.transcript,
                                t.understanding.other_hypotheses)
        cache.clear()   # keep one turn per session: a few hundred kB of arrays
        cache[key] = explain_prepared(pipeline, prepared, t.understanding.fusion)
    return cache[key]


def _source_choices(e) -> list[tuple[str, int]]:
    choices = [("[CLS]: the token the intent is read from", 0)]
    seg = e.segment("text")
    if seg:
        for i in range(*seg):
            if e.tokens[i] not in ("[TXT]", "[SEP]"):
                choices.append((f"word: {e.tokens[i]}", i))
    return choices


EXPLAIN_EMPTY = "Send a message in the **Chat** tab first: its explanation appears here."


def explain_view(turn_choice, source, layer, head, matrix_view, session, cache, reset=False):
    """The Attention tab for one turn: overlays, word highlights, spectrogram, token matrix, cross-attention."""
    pipeline, _ = runtime().get()
    s = _session(session)
    cache = cache if isinstance(cache, dict) else {}
    hidden_img = gr.Image(value=None, visible=False)
    t = _pick_turn(s.conv, turn_choice)
    if t is None:
        hidden = gr.Plot(None, visible=False)
        return (EXPLAIN_EMPTY, hidden_img, hidden_img, hidden_img, [], [], [], hidden, hidden, hidden_img,
                hidden, hidden, gr.Accordion(visible=False), gr.Dropdown(), gr.Dropdown(), gr.Dropdown(), cache)
    try:
        e = _explained(pipeline, t, cache)
    except Exception as exc:
        log.error("explain failed:\n%s", traceback.format_exc())
        msg = str(exc) if exc.__class__.__name__ == "InputError" else "the stored inputs could not be re-read"
        hidden = gr.Plot(None, visible=False)
        return (f"This turn cannot be explained: {inert(msg)}.", hidden_img, hidden_img, hidden_img, [], [], [],
                hidden, hidden, hidden_img, hidden, hidden, gr.Accordion(visible=False), gr.Dropdown(), gr.Dropdown(),
                gr.Dropdown(), cache)
    n = len(e.tokens)
    if reset or source is None or not 0 <= int(source) < n:
        source = 0
    source = int(source)
    layer = e.n_layers - 1 if reset or layer is None or not 0 <= int(layer) < e.n_layers else int(layer)
    head = None if reset or head is None or int(head) < 0 or int(head) >= e.n_heads else int(head)
    raw, roll, rel = e.scores("raw", source, layer, head), e.scores("rollout", source), e.scores("relevancy", 0)
    head_txt = "mean of heads" if head is None else f"head {head + 1}"
    note = [f"Turn {t.index}: the **attention** model reads it as **{pretty(e.intent)}** ({e.confidence:.0%}).",
            *e.notes,
            f"Raw attention: layer {layer + 1}, {head_txt}, from **{inert(e.tokens[source])}**. "
            "Rollout: all layers, from the same token. Relevancy: all layers, for the intent decision.",
            f"<small>{EXPLAIN_NOTE} Colours are scaled per map, from its lowest to its highest value.</small>"]
    has_img = e.image is not None

    def img(scores):
        return gr.Image(value=e.overlay(scores), visible=True) if has_img else hidden_img

    seg_audio = e.segment("audio")
    if e.audio_features is not None and seg_audio:
        spec = gr.Plot(plots.spectrogram(e.audio_features, {"raw attention": e.part(raw, "audio"),
                                                            "relevancy": e.part(rel, "audio")}, e.seconds_per_token),
                       visible=True)
    else:
        spec = gr.Plot(None, visible=False)
    view = matrix_view or "raw"
    mat = e.matrix(view, layer, head)
    matrix_fig = gr.Plot(plots.token_matrix(mat, e.tokens, e.segments, label={"raw": "attention"}.get(view, view)),
                         visible=True)
    cross_img, cross_i, cross_a = gr.Image(None, visible=False), gr.Plot(None, visible=False), \
        gr.Plot(None, visible=False)
    if e.cross:
        text_seg = e.segment("text")
        q = 0 if source == 0 or not text_seg else 1 + source - text_seg[0]
        q = min(q, len(e.cross_query_tokens) - 1)
        cl = min(layer, e.cross.get("text->image", e.cross.get("text->audio"))["attentions"].shape[0] - 1)

        def cross_matrix(b):
            if view == "relevancy":        # gradient-weighted, summed over layers and heads
                return b["relevancy"]
            a = b["attentions"][cl]
            return a.mean(axis=0) if head is None else a[min(head, a.shape[0] - 1)]

        if "text->image" in e.cross:
            m = cross_matrix(e.cross["text->image"])
            cross_i = gr.Plot(plots.cross_map(m, e.cross_query_tokens, e.tokens[slice(*e.segment("image"))]),
                              visible=True)
            if has_img:
                from .explain import image_overlay
                cross_img = gr.Image(value=image_overlay(e.image, m[q], e.grid), visible=True)
        if "text->audio" in e.cross:
            m = cross_matrix(e.cross["text->audio"])
            cross_a = gr.Plot(plots.cross_map(m, e.cross_query_tokens, e.tokens[slice(*e.segment("audio"))]),
                              visible=True)
        if e.cross_intent:
            what = "gradient-weighted relevancy" if view == "relevancy" else f"layer {cl + 1}, {head_txt}"
            note.insert(2, f"The cross-attention model reads it as **{pretty(e.cross_intent)}**; its maps are at "
                           f"the bottom ({what}, from **{inert(e.cross_query_tokens[q])}**).")
    layers = [(f"layer {i + 1}", i) for i in range(e.n_layers)]
    heads = [("mean of heads", -1)] + [(f"head {h + 1}", h) for h in range(e.n_heads)]
    return ("\n\n".join(note), img(raw), img(roll), img(rel), e.words(raw), e.words(roll), e.words(rel), spec,
            matrix_fig, cross_img, cross_i, cross_a, gr.Accordion(visible=bool(e.cross)),
            gr.Dropdown(choices=_source_choices(e), value=source),
            gr.Dropdown(choices=layers, value=layer), gr.Dropdown(choices=heads, value=-1 if head is None else head),
            cache)


def explain_turn(turn_choice, matrix_view, session, cache):
    """A newly chosen turn: start again from [CLS], the last layer and the mean of the heads."""
    return explain_view(turn_choice, 0, None, -1, matrix_view, session, cache, reset=True)


# ------------------------------------------------------------------------------------------- compare tab
def compare(text, image, audio):
    """The same request through all four strategies: the encoders and the ASR run once (prepare)."""
    from .media import InputError

    pipeline, _ = runtime().get()
    try:
        prepared = pipeline.prepare(text, image, audio)
    except InputError as exc:
        empty = plots.message("No result")
        return (f"**{inert(str(exc))}**", *[f"### {SHORT_LABELS[n]}\n–" for n in FUSIONS],
                *[empty for _ in FUSIONS], {})
    shared = sum(prepared.timings_ms.values())
    cards, figs, raw = [], [], {}
    for name in FUSIONS:
        if name not in pipeline.models:
            cards.append(f"### {SHORT_LABELS[name]}\nnot loaded")
            figs.append(plots.message("not loaded"))
            continue
        t0 = time.perf_counter()
        pred = pipeline.predict_prepared(prepared, name)
        ms = (time.perf_counter() - t0) * 1000
        params = pipeline.models[name].num_parameters()
        raw[name] = {"intent": pred.intent, "confidence": round(pred.confidence, 4), "fusion_ms": round(ms, 2),
                     "parameters": params, "image_kind": pred.image_kind, "tone": pred.tone,
                     "top3": dict(list(pred.intent_probs.items())[:3])}
        cards.append(f"### {SHORT_LABELS[name]}\n**{pretty(pred.intent)}** · {pred.confidence:.0%}\n\n"
                     f"**{ms:.1f} ms** fusion + heads  \n**{params / 1e6:.2f} M** trained parameters  \n"
                     f"image: {pretty(pred.image_kind) if pred.image_kind else '–'} · tone: {pred.tone}")
        figs.append(plots.top_probs(pred.intent_probs, color=plots.STRATEGY_COLORS[name]))
    heard = f" Heard: “{inert(prepared.transcript)}”." if prepared.transcript else ""
    if prepared.other_hypotheses:
        heard += f" Each strategy read the recogniser's {len(prepared.hypotheses)} best transcripts and averaged."
    note = (f"Input: **{prepared.mix}**. Decoding, speech recognition and the pretrained encoders ran once in "
            f"**{shared:.0f} ms**, shared by all four strategies.{heard}")
    raw = {"mix": prepared.mix, "transcript": prepared.transcript, "shared_ms": round(shared, 2), "strategies": raw}
    return (note, *cards, *figs, raw)


def compare_last(session):
    s = _session(session)
    t = s.conv.turns[-1] if s.conv.turns else None
    if t is None:
        gr.Info("There is no chat message yet.")
        return gr.Textbox(), gr.Image(), gr.Audio()
    return t.user_text or "", t.image, t.audio


def predict(text, image, audio, fusion):
    """Stateless: one request through one strategy -> the Prediction as JSON (without the explanation)."""
    from .media import InputError

    pipeline, _ = runtime().get()
    try:
        pred = pipeline.predict(text, image, audio, fusion or "attention")
    except InputError as exc:
        return {"error": str(exc)}
    except ValueError as exc:
        return {"error": str(exc)}
    out = asdict(pred)
    out.pop("explanation", None)
    return out


def load_eval() -> dict | None:
    """The evaluator's results with the strategies in the app's order (None when there are none yet)."""
    try:
        res = json.loads(EVAL_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    strategies = res.get("strategies") or {}
    order = [n for n in FUSIONS if n in strategies] + [n for n in strategies if n not in FUSIONS]
    res["strategies"] = {n: strategies[n] for n in order if isinstance(strategies[n], dict)}
    return res


def load_training_logs() -> dict:
    logs = {}
    for name in FUSIONS:
        try:
            logs[name] = json.loads((TRAINING_LOGS / name / "training_log.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    return logs


def eval_table(res: dict) -> list[list]:
    rows = []
    for name, r in res.get("strategies", {}).items():
        def pct(x):
            return f"{x:.1%}" if isinstance(x, (int, float)) else "–"
        params = r.get("parameters")
        rows.append([pretty(name), pct(r.get("accuracy")), pct(r.get("macro_f1")),
                     f"{r['ece']:.3f}" if isinstance(r.get("ece"), (int, float)) else "–",
                     f"{r['latency_ms_p50']:.1f}" if isinstance(r.get("latency_ms_p50"), (int, float)) else "–",
                     f"{params / 1e6:.2f} M" if isinstance(params, (int, float)) else "–"])
    return rows


def eval_detail_table(res: dict) -> tuple[list[str], list[list]]:
    """Accuracy per strategy for every modality mix, rule and dropped modality: (headers, rows)."""
    strategies = res.get("strategies", {})
    columns: list[tuple[str, str, str]] = []    # (group key, item, header)
    for key, prefix in (("by_mix", ""), ("by_rule", "rule "), ("dropped", "no ")):
        for r in strategies.values():
            for item in (r.get(key) or {}):
                if (key, item) not in [(k, i) for k, i, _ in columns]:
                    columns.append((key, item, prefix + item))
    rows = []
    for name, r in strategies.items():
        row = [pretty(name)]
        for key, item, _ in columns:
            acc = ((r.get(key) or {}).get(item) or {}).get("accuracy")
            row.append(f"{acc:.1%}" if isinstance(acc, (int, float)) else "–")
        rows.append(row)
    return ["strategy"] + [h for _, _, h in columns], rows


RULE_NOTES = {"R1": "the photo alone says what the customer wants",
              "R3": "“this is what arrived” + a photo: a broken item is damaged, an intact one is the wrong item",
              "explicit": "the words say it", "voice": "spoken requests"}


def eval_reading(res: dict) -> str:
    """A few plain sentences generated from the numbers."""
    s = {k: v for k, v in res.get("strategies", {}).items() if isinstance(v.get("accuracy"), (int, float))}
    if not s:
        return "No strategy has results yet."
    ranked = sorted(s, key=lambda k: -s[k]["accuracy"])
    best, worst = ranked[0], ranked[-1]
    out = [f"On **{res.get('n', '?')}** held-out test requests, **{pretty(best)}** fusion is the most accurate "
           f"({s[best]['accuracy']:.1%}, macro-F1 {s[best].get('macro_f1', 0):.1%})"
           + (f" and **{pretty(worst)}** the least ({s[worst]['accuracy']:.1%})." if worst != best else ".")]
    mix = s[best].get("by_mix") or {}
    mix = {k: v for k, v in mix.items() if isinstance(v.get("accuracy"), (int, float))}
    if len(mix) > 1:
        hard = min(mix, key=lambda k: mix[k]["accuracy"])
        easy = max(mix, key=lambda k: mix[k]["accuracy"])
        out.append(f"For {pretty(best)}, the hardest requests are **{hard}** ({mix[hard]['accuracy']:.0%}) and the "
                   f"easiest **{easy}** ({mix[easy]['accuracy']:.0%}).")
    if "early" in s and best != "early":
        gaps = {}
        for k, v in (s[best].get("by_mix") or {}).items():
            e = (s["early"].get("by_mix") or {}).get(k, {}).get("accuracy")
            if isinstance(e, (int, float)) and isinstance(v.get("accuracy"), (int, float)):
                gaps[k] = v["accuracy"] - e
        if gaps:
            k = max(gaps, key=gaps.get)
            if gaps[k] > 0.005:
                out.append(f"Letting the modalities interact matters most on **{k}** requests, where {pretty(best)} "
                           f"beats early fusion by {gaps[k] * 100:.0f} points.")
    spreads = {}
    for rule in {r for v in s.values() for r in (v.get("by_rule") or {})}:
        accs = {k: (v.get("by_rule") or {}).get(rule, {}).get("accuracy") for k, v in s.items()}
        accs = {k: a for k, a in accs.items() if isinstance(a, (int, float))}
        if len(accs) > 1:
            spreads[rule] = accs
    if spreads:
        rule = max(spreads, key=lambda r: max(spreads[r].values()) - min(spreads[r].values()))
        accs = spreads[rule]
        top, low = max(accs, key=accs.get), min(accs, key=accs.get)
        what = RULE_NOTES.get(rule, "")
        out.append(f"The strategies differ most on rule **{rule}** requests{' (' + what + ')' if what else ''}: "
                   f"{pretty(top)} {accs[top]:.0%}, "
                   f"{pretty(low)} {accs[low]:.0%}.")
    dropped = {m: d for m, d in (s[best].get("dropped") or {}).items()
               if isinstance(d.get("accuracy"), (int, float)) and isinstance(d.get("accuracy_with_it"), (int, float))}
    if dropped:
        m = max(dropped, key=lambda k: dropped[k]["accuracy_with_it"] - dropped[k]["accuracy"])
        d = dropped[m]
        out.append(f"Removing the **{m}** from requests that have one costs {pretty(best)} the most: "
                   f"{d['accuracy_with_it']:.0%} → {d['accuracy']:.0%}.")
    ece = {k: v["ece"] for k, v in s.items() if isinstance(v.get("ece"), (int, float))}
    if ece:
        k = min(ece, key=ece.get)
        out.append(f"Confidences are best calibrated for {pretty(k)} (expected calibration error {ece[k]:.3f}): "
                   "a shown 80% is right about 80% of the time.")
    lat = {k: v["latency_ms_p50"] for k, v in s.items() if isinstance(v.get("latency_ms_p50"), (int, float))}
    if lat:
        fast, slow = min(lat, key=lat.get), max(lat, key=lat.get)
        out.append(f"Median latency per request ranges from {lat[fast]:.0f} ms ({pretty(fast)}) to "
                   f"{lat[slow]:.0f} ms ({pretty(slow)}) on this CPU.")
    return " ".join(out)


def dropped_figure(res: dict):
    import plotly.graph_objects as go

    fig = go.Figure()
    for name, r in res.get("strategies", {}).items():
        d = r.get("dropped") or {}
        mods = list(d)
        fig.add_trace(go.Bar(name=pretty(name), x=[f"without {m}" for m in mods],
                             y=[d[m].get("accuracy") for m in mods], marker_color=plots.STRATEGY_COLORS.get(name),
                             customdata=[d[m].get("accuracy_with_it") for m in mods],
                             hovertemplate="%{x}: %{y:.1%} (with it: %{customdata:.1%})<extra>" + pretty(name) + "</extra>"))
    if not fig.data:
        return plots.message("No modality-dropping results")
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%")
    return plots.style(fig, 320, barmode="group", legend=plots.LEGEND_BELOW, margin=dict(l=10, r=10, t=36, b=10))


# ------------------------------------------------------------------------------------------- text blocks
LIMITS_MD = f"""#### Limits
- Photos and audio files up to **{limits.MAX_UPLOAD_MB} MB**; voice messages up to **{limits.MAX_AUDIO_SECONDS:.0f} s**.
- Messages up to {limits.MAX_TEXT_CHARS:,} characters; **English only**.
- One photo and one voice message per message are read.
- Browsers allow the microphone only on **localhost or HTTPS**. If a recording stays at 0:00, check the
  browser's microphone permission, or upload an audio file (WAV, MP3, OGG, WebM, M4A).
"""

PIPELINE_HTML = """
<div class="pipeline">
  <div class="stage"><div class="t">Inputs</div><div>text</div><div>photo</div><div>voice message</div></div>
  <div class="arrow">→</div>
  <div class="stage"><div class="t">Pretrained encoders</div><div>MiniLM-L6 word pieces (+ LoRA)</div>
    <div>EfficientNet-Lite0 7×7 patches (top tuned)</div><div>Whisper tiny.en: N_BEST best transcripts + log-mel → CNN/BiLSTM</div></div>
  <div class="arrow">→</div>
  <div class="stage"><div class="t">Alignment</div><div>project to 128-d</div><div>+ modality type</div>
    <div>+ position (1-D / 2-D)</div></div>
  <div class="arrow">→</div>
  <div class="stage accent"><div class="t">Fusion</div><div>early · late</div><div>cross-attention</div>
    <div>attention (Transformer)</div></div>
  <div class="arrow">→</div>
  <div class="stage"><div class="t">Heads</div><div>intent (calibrated)</div><div>image kind</div>
    <div>tone (+ the words)</div></div>
  <div class="arrow">→</div>
  <div class="stage"><div class="t">Dialogue</div><div>slots · knowledge base</div><div>follow-up questions</div>
    <div>reply · hand-off</div></div>
</div>
""".replace("N_BEST", str(SERVING_HYPOTHESES))   # how many transcripts a voice message is read with

HOW_MD = r"""
### The pipeline
A message may hold text, one photo and one voice message. Pretrained encoders turn each into a sequence of
vectors: word pieces from MiniLM (adapted to support requests by small low-rank LoRA weights trained on the
project's data, merged into its layers), a 7×7 grid of patch vectors from EfficientNet-Lite0 (the photo seen at 320 px;
its last five blocks fine-tuned on the project's photo kinds), and for the voice both
Whisper's N_BEST best transcripts (each read by the text encoder; the answers are averaged, so a word misheard
in one reading can be right in another) and log-mel frames that a small trained CNN + BiLSTM turns into one
token per 80 ms. The **alignment** layer projects every token to the same width and adds a learned modality-type
and position embedding, so the fusion knows which tokens are words, image cells or moments of audio. A **fusion**
strategy combines them, and three heads read the intent (its probability calibrated by temperature scaling), the
kind of photo and the tone. The tone head also reads the words directly (their mean vector, and the capitals and
emoji that the lower-casing tokenizer drops), so anger said in words is not lost in a vector trained for the
intent. The dialogue layer turns that into a reply, remembering order numbers and other details.

### The Transformer, as the attention model computes it
Each head compares every query token with every key token and mixes the values by the resulting weights:

$$\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right)V$$

Several heads look for different things in parallel; their outputs are concatenated and projected:

$$\mathrm{MultiHead}(Q, K, V) = \mathrm{Concat}(\mathrm{head}_1, \dots, \mathrm{head}_h)\,W^O, \qquad
\mathrm{head}_i = \mathrm{Attention}(QW_i^Q, KW_i^K, VW_i^V)$$

Each position then passes through the same two-layer network:

$$\mathrm{FFN}(x) = \max(0,\; xW_1 + b_1)\,W_2 + b_2$$

and every sub-layer is wrapped in a residual connection and layer normalisation:

$$x \leftarrow \mathrm{LayerNorm}(x + \mathrm{Sublayer}(x))$$

The softmax weights are what the **Attention** tab shows: the heatmap over the photo is one row of them (from [CLS]
or a chosen word to the 49 image cells), and the token-by-token matrix is all of them for one layer and head.

### The four fusion strategies (compared side by side in **Compare fusion strategies**)
- **Early fusion** averages each modality's tokens into one vector, concatenates the three and feeds an MLP. Cheap,
  but the words never see *which part* of the photo matters.
- **Late fusion** classifies each modality on its own and averages the three decisions with learned weights. Robust
  when a modality is missing, but it cannot learn that "this is what arrived" + a broken mug means *damaged item*.
  It has no attention, so the Attention tab re-runs its turns through the attention model.
- **Cross-attention** lets the text (and a query token) attend to the image cells and, separately, to the audio
  tokens: the *text → image* and *text → audio* maps at the bottom of the Attention tab.
- **Attention** (the default) is one Transformer over [CLS] + words + image cells + audio tokens, so every token can
  attend to every other; the intent is read from [CLS]. Its maps, the **rollout** across layers
  (Abnar & Zuidema, 2020) and the gradient-weighted **relevancy** (Chefer et al., 2021) fill the Attention tab.

### Rollout and relevancy
Rollout follows attention through the layers, counting the residual path: with $\hat A_l$ the head-averaged
attention of layer $l$ mixed half-and-half with the identity,

$$\tilde A = \hat A_L \cdots \hat A_1 .$$

Relevancy keeps only the attention that raised the predicted intent $y_t$, using its gradient:

$$\bar A_l = \mathbb{E}_h\!\left[(\nabla_{A_l} y_t \odot A_l)^{+}\right], \qquad R \leftarrow R + \bar A_l\, R, \qquad R_0 = I .$$
""".replace("N_BEST", str(SERVING_HYPOTHESES))   # how many transcripts a voice message is read with

CSS = """
.gradio-container {max-width: 1320px !important; width: 100% !important; margin: 0 auto !important;}
#header {align-items: center; gap: 8px; flex-wrap: wrap;}
#header > div {min-width: 0 !important;}
#header h1 {margin: 0; font-size: 1.5rem;}
#header p {margin: 2px 0 0; opacity: .75;}
.badge {display: inline-flex; align-items: center; gap: .45em; padding: .3em .8em; border-radius: 999px;
        font-size: .85rem; font-weight: 600; float: right;}
.badge .dot {width: .55em; height: .55em; border-radius: 50%; background: currentColor;}
.badge.loading, .badge.warming {background: #fef3c7; color: #92400e;}
.badge.loading .dot, .badge.warming .dot {animation: pulse 1s infinite alternate;}
.badge.ready {background: #dcfce7; color: #166534;}
.badge.error {background: #fee2e2; color: #991b1b;}
.dark .badge.loading, .dark .badge.warming {background: #451a03; color: #fde68a;}
.dark .badge.ready {background: #14532d; color: #bbf7d0;}
.dark .badge.error {background: #450a0a; color: #fecaca;}
@keyframes pulse {from {opacity: 1} to {opacity: .25}}
.understood {display: block; font-size: .8rem; opacity: .7; line-height: 1.35;}
#understood, #limits {font-size: .9rem;}
.pipeline {display: flex; flex-wrap: wrap; align-items: stretch; gap: 6px; margin: 8px 0 16px;}
.pipeline .stage {flex: 1 1 130px; border: 1px solid var(--border-color-primary); border-radius: 10px;
                  padding: 8px 10px; background: var(--block-background-fill); font-size: .85rem; line-height: 1.4;}
.pipeline .stage.accent {border-color: var(--color-accent); box-shadow: 0 0 0 1px var(--color-accent) inset;}
.pipeline .t {font-weight: 700; margin-bottom: 4px; color: var(--color-accent);}
.pipeline .arrow {align-self: center; font-size: 1.3rem; opacity: .6;}
.dark .js-plotly-plot .main-svg text {fill: #e5e7eb !important;}
.dark .js-plotly-plot .gridlayer path, .dark .js-plotly-plot .zerolinelayer path {stroke: rgba(255,255,255,.12) !important;}
@media (max-width: 640px) {.pipeline .arrow {transform: rotate(90deg); flex-basis: 100%; text-align: center;}
                           .badge {float: none;} #header h1 {font-size: 1.25rem;}
                           #header > div {flex-basis: 100% !important;}
                           #matrix, #cross-image, #cross-audio {overflow-x: auto;}
                           #matrix [data-testid=plotly] {min-width: 720px;}
                           #cross-image [data-testid=plotly], #cross-audio [data-testid=plotly] {min-width: 560px;}}
"""


def theme():
    return gr.themes.Soft(primary_hue="indigo", secondary_hue="sky", neutral_hue="slate",
                          font=[gr.themes.LocalFont("IBM Plex Sans"), "ui-sans-serif", "system-ui", "sans-serif"])


def launch_kwargs() -> dict:
    return dict(theme=theme(), css=CSS, max_file_size=f"{limits.MAX_UPLOAD_MB}mb",
                allowed_paths=[str(EXAMPLES_DIR)], footer_links=["api"])


# ------------------------------------------------------------------------------------------- the Blocks
def build_demo(rt: Runtime | None = None) -> gr.Blocks:
    global RUNTIME
    if rt is not None:
        RUNTIME = rt
    rt = runtime()
    examples = load_examples()
    file_types = ["image", "audio"] + sorted(AUDIO_EXT)

    with gr.Blocks(title="mmdemo · multimodal support assistant", delete_cache=(3600, 3600)) as demo:
        session = gr.State(None)
        explain_cache = gr.State({})
        with gr.Row(elem_id="header", equal_height=True):
            gr.Markdown("# Multimodal support assistant\nWrite, send a photo or speak: one model reads all three "
                        "and shows you what it looked at.", elem_id="title")
            badge = gr.HTML(badge_html(rt), elem_id="badge", min_height=0, padding=False)

        with gr.Tabs(elem_id="tabs"):
            # ---------------------------------------------------------------- Chat
            with gr.Tab("Chat", id="chat", elem_id="tab-chat"):
                with gr.Row():
                    with gr.Column(scale=3, min_width=320):
                        chatbot = gr.Chatbot(elem_id="chatbot", height=520, show_label=False, sanitize_html=True,
                                             render_markdown=True, allow_tags=False, feedback_options=None,
                                             buttons=[],
                                             placeholder="**Hi! How can I help?**<br>Ask about an order, send a "
                                                         "photo of a receipt, a broken item or an error screen, or "
                                                         "record a voice message.")
                        box = gr.MultimodalTextbox(elem_id="msg", sources=["upload", "microphone"],
                                                   file_types=file_types, file_count="multiple", show_label=False,
                                                   placeholder="Type a message, attach a photo or record a voice note…",
                                                   autofocus=False)
                        with gr.Row():
                            retry_btn = gr.Button("↻ Retry", size="sm", elem_id="retry")
                            undo_btn = gr.Button("↶ Undo", size="sm", elem_id="undo")
                            clear_btn = gr.Button("Clear", size="sm", elem_id="clear")
                            export_btn = gr.Button("Export JSON", size="sm", elem_id="export")
                        export_file = gr.File(label="Conversation (JSON)", visible=False, elem_id="export-file")
                        with gr.Accordion("Voice recorder (if the microphone in the box above does not work)",
                                          open=False, elem_id="recorder-acc"):
                            recorder = gr.Audio(sources=["microphone", "upload"], type="filepath",
                                                elem_id="recorder", show_label=False, format=None)
                            # format=None: the file reaches mmdemo.media as sent (Gradio's own conversion to
                            # WAV crashed on a damaged upload and decoded any length in full)
                            send_rec = gr.Button("Send recording", variant="primary", size="sm", elem_id="send-rec")
                    with gr.Column(scale=1, min_width=280):
                        fusion = gr.Radio([(FUSION_LABELS[f], f) for f in FUSIONS], value="attention",
                                          label="Fusion strategy", elem_id="fusion")
                        understood = gr.Markdown(understood_panel(None), elem_id="understood", container=True,
                                                 padding=True)
                        with gr.Accordion("Turn details (JSON)", open=False):
                            details = gr.JSON(label="Last turn", elem_id="details")
                        gr.Markdown(LIMITS_MD, elem_id="limits", container=True, padding=True)
                if examples:
                    gr.Markdown("#### Try an example scenario\nOne click plays it turn by turn.")
                    gallery = gr.Dataset(components=[gr.Textbox(visible=False), gr.Textbox(visible=False)],
                                         headers=["Scenario", "What it shows"], type="index", elem_id="examples",
                                         samples=[[pretty(e.get("name") or f"Example {i + 1}").capitalize(),
                                                   e.get("description", "")]
                                                  for i, e in enumerate(examples)], layout="table",
                                         samples_per_page=12, show_label=False)
                else:
                    gallery = None
                    gr.Markdown("*Example scenarios appear here once `assets/examples/examples.json` exists.*")

            # ---------------------------------------------------------------- Attention
            with gr.Tab("Attention", id="attention", elem_id="tab-attention") as att_tab:
                with gr.Row():
                    turn_dd = gr.Dropdown(choices=[("Latest turn", -1)], value=-1, label="Turn", scale=2,
                                          elem_id="turn")
                    source_dd = gr.Dropdown(choices=[("[CLS]: the token the intent is read from", 0)], value=0,
                                            label="Attention from", scale=2, elem_id="source")
                    layer_dd = gr.Dropdown(choices=[("layer 2", 1)], value=1, label="Layer", scale=1, elem_id="layer")
                    head_dd = gr.Dropdown(choices=[("mean of heads", -1)], value=-1, label="Head", scale=1,
                                          elem_id="head")
                    explain_btn = gr.Button("Explain", variant="primary", scale=1, elem_id="explain-btn")
                att_note = gr.Markdown(EXPLAIN_EMPTY, elem_id="att-note")
                with gr.Row(equal_height=False):
                    with gr.Column(min_width=260):
                        gr.Markdown("**Raw attention** (one layer, one head)")
                        raw_img = gr.Image(show_label=False, visible=False, elem_id="heatmap-raw", height=260,
                                           interactive=False, buttons=[])
                        raw_words = gr.HighlightedText(show_label=False, elem_id="words-raw", show_legend=False)
                    with gr.Column(min_width=260):
                        gr.Markdown("**Attention rollout** (all layers)")
                        roll_img = gr.Image(show_label=False, visible=False, elem_id="heatmap-rollout", height=260,
                                            interactive=False, buttons=[])
                        roll_words = gr.HighlightedText(show_label=False, elem_id="words-rollout")
                    with gr.Column(min_width=260):
                        gr.Markdown("**Gradient-weighted relevancy** (for the intent)")
                        rel_img = gr.Image(show_label=False, visible=False, elem_id="heatmap-relevancy", height=260,
                                           interactive=False, buttons=[])
                        rel_words = gr.HighlightedText(show_label=False, elem_id="words-relevancy")
                spec_plot = gr.Plot(label="Voice message: spectrogram with attention over time", elem_id="spectrogram",
                                    visible=False)
                matrix_view = gr.Radio([("Raw attention (chosen layer and head)", "raw"), ("Rollout", "rollout"),
                                        ("Relevancy", "relevancy")], value="raw", label="Token-by-token matrix",
                                       elem_id="matrix-view")
                matrix_plot = gr.Plot(show_label=False, elem_id="matrix", visible=False)
                with gr.Accordion("Cross-attention model: text → image and text → audio", open=True,
                                  visible=False) as cross_acc:
                    with gr.Row():
                        cross_img = gr.Image(label="From the chosen word to the photo", height=260, visible=False,
                                             interactive=False, elem_id="cross-img", buttons=[])
                        cross_i = gr.Plot(label="text → image", elem_id="cross-image", visible=False)
                    cross_a = gr.Plot(label="text → audio", elem_id="cross-audio", visible=False)

            # ---------------------------------------------------------------- Compare
            with gr.Tab("Compare fusion strategies", id="compare", elem_id="tab-compare") as cmp_tab:
                gr.Markdown("The same request through all four strategies. The encoders and the speech recogniser "
                            "run once; only the fusion and the heads differ.")
                with gr.Row():
                    c_text = gr.Textbox(label="Message", lines=2, scale=2, elem_id="c-text",
                                        value="This is what arrived today, the mug is cracked.")
                    c_image = gr.Image(type="filepath", label="Photo", sources=["upload", "clipboard"], height=180,
                                       scale=1, elem_id="c-image")
                    c_audio = gr.Audio(type="filepath", label="Voice message", sources=["upload", "microphone"],
                                       scale=1, elem_id="c-audio")
                with gr.Row():
                    compare_btn = gr.Button("Compare", variant="primary", elem_id="compare-btn")
                    last_btn = gr.Button("Use my last chat message", elem_id="compare-last")
                c_note = gr.Markdown(elem_id="c-note")
                cards, figs = [], []
                with gr.Row(elem_id="compare-cols"):
                    for name in FUSIONS:
                        with gr.Column(min_width=220, elem_classes=["compare-col"]):
                            cards.append(gr.Markdown(f"### {SHORT_LABELS[name]}", elem_id=f"card-{name}",
                                                     container=True, padding=True))
                            figs.append(gr.Plot(show_label=False, elem_id=f"top3-{name}"))
                with gr.Accordion("Raw numbers", open=False):
                    c_json = gr.JSON(show_label=False)
                with gr.Accordion("One strategy, JSON output (the /predict endpoint)", open=False):
                    p_fusion = gr.Radio([(FUSION_LABELS[f], f) for f in FUSIONS], value="attention",
                                        label="Fusion strategy")
                    p_btn = gr.Button("Predict")
                    p_json = gr.JSON(show_label=False)
                gr.Markdown("### Evaluation on the held-out test set")
                res = load_eval()
                if res and res.get("strategies"):
                    gr.Markdown(eval_reading(res), elem_id="eval-reading")
                    gr.Dataframe(eval_table(res), headers=["strategy", "accuracy", "macro-F1", "ECE",
                                                           "latency p50 (ms)", "parameters"],
                                 interactive=False, elem_id="eval-table")
                    headers, rows = eval_detail_table(res)
                    if len(headers) > 1:
                        with gr.Accordion("Accuracy by modality mix, by rule and with a modality removed",
                                          open=False):
                            gr.Dataframe(rows, headers=headers, interactive=False, elem_id="eval-detail")
                    with gr.Row():
                        gr.Plot(plots.eval_overview(res["strategies"]), label="Accuracy and macro-F1")
                        gr.Plot(plots.eval_by_group(res["strategies"], "by_mix"), label="Accuracy by modality mix")
                    with gr.Row():
                        gr.Plot(plots.eval_by_group(res["strategies"], "by_rule"), label="Accuracy by rule")
                        gr.Plot(dropped_figure(res), label="With a modality removed")
                else:
                    gr.Markdown("*No evaluation yet: run `python -m mmdemo.evaluate` to create "
                                "`assets/eval/test_results.json`.*")
                logs = load_training_logs()
                if logs:
                    from .ui_training import averaged_weights
                    gr.Plot(plots.training_curves(logs), label="Training: validation accuracy per epoch"
                            + (" (averaged weights)" if averaged_weights(logs) else ""))

            # ---------------------------------------------------------------- Training
            with gr.Tab("Training", id="training", elem_id="tab-training"):
                from .ui_training import build_training_tab
                build_training_tab()

            # ---------------------------------------------------------------- How it works
            with gr.Tab("How it works", id="how", elem_id="tab-how"):
                gr.HTML(PIPELINE_HTML)
                gr.Markdown(HOW_MD, latex_delimiters=[{"left": "$$", "right": "$$", "display": True},
                                                      {"left": "$", "right": "$", "display": False}])

        # ---------------------------------------------------------------- events
        chat_out = [chatbot, box, recorder, session, understood, details, turn_dd]
        box.submit(chat, [box, recorder, fusion, session], chat_out, api_name="chat")
        send_rec.click(send_recording, [recorder, fusion, session], chat_out,
                       api_name="send_recording", concurrency_limit=1, concurrency_id="voice")
        retry_btn.click(retry, [fusion, session], chat_out, api_name="retry")
        undo_btn.click(undo, [session], chat_out, api_name="undo")
        clear_btn.click(clear, [session], chat_out, api_name="clear")
        chatbot.clear(clear, [session], chat_out, api_visibility="private")   # the chatbot's own trash icon
        export_btn.click(export, [session], export_file, api_name="export").then(
            lambda: gr.File(visible=True), None, export_file, api_visibility="private", queue=False)
        if gallery is not None:
            gallery.click(run_example, [gallery, fusion, session], chat_out, api_name="run_example")
            gallery.click(None, None, None, js="() => document.getElementById('chatbot')"
                                                ".scrollIntoView({behavior: 'smooth', block: 'center'})")

        exp_out = [att_note, raw_img, roll_img, rel_img, raw_words, roll_words, rel_words, spec_plot, matrix_plot,
                   cross_img, cross_i, cross_a, cross_acc, source_dd, layer_dd, head_dd, explain_cache]
        view_in = [turn_dd, source_dd, layer_dd, head_dd, matrix_view, session, explain_cache]
        explain_btn.click(explain_view, view_in, exp_out, api_name="explain")
        att_tab.select(explain_turn, [turn_dd, matrix_view, session, explain_cache], exp_out, api_visibility="private")
        turn_dd.input(explain_turn, [turn_dd, matrix_view, session, explain_cache], exp_out, api_visibility="private")
        for control in (source_dd, layer_dd, head_dd, matrix_view):
            control.input(explain_view, view_in, exp_out, api_visibility="private")

        compare_btn.click(compare, [c_text, c_image, c_audio], [c_note, *cards, *figs, c_json], api_name="compare")
        cmp_tab.select(compare, [c_text, c_image, c_audio], [c_note, *cards, *figs, c_json], api_visibility="private")
        last_btn.click(compare_last, [session], [c_text, c_image, c_audio], api_visibility="private")
        p_btn.click(predict, [c_text, c_image, c_audio, p_fusion], p_json, api_name="predict")

        def poll():
            return badge_html(rt), gr.Timer(active=rt.state not in ("ready", "error"))

        timer = gr.Timer(1.0, active=rt.state not in ("ready", "error"))
        timer.tick(poll, None, [badge, timer], queue=False, api_visibility="private")
        demo.load(poll, None, [badge, timer], queue=False, api_name="status")
    return demo
