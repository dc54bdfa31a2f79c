"""The app's Training tab: learning curves, what pretraining buys, and a small live fine-tuning run.

`build_training_tab()` adds its components to the open gr.Blocks / gr.Tab context:

* learning curves of the four fusion strategies (assets/checkpoints/<fusion>/training_log.json) and of the
  pretraining run (assets/training/pretraining_log.json);
* the label-efficiency chart and table (assets/training/label_efficiency.json, from mmdemo.experiments), with
  the learning curves of every run at a chosen share of labels;
* "train a little live": fine-tune the task heads of a committed model for a bounded number of steps on a
  chosen share of a small shipped subset (assets/training/live_subset.pt: what the heads read, precomputed),
  streaming the loss curve. The run works on a private copy kept in the visitor's gr.State; nothing is written
  and nobody else's model changes. Its event has its own queue (concurrency_limit=1), so it never holds up the
  chat, and a step cap and a time cap bound it.
"""
from __future__ import annotations

import copy
import json
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from .plots import LEGEND, LEGEND_BELOW, STRATEGY_COLORS, message, pretty, style

ROOT = Path(__file__).resolve().parent.parent
CHECKPOINTS = ROOT / "assets" / "checkpoints"
TRAINING_DIR = ROOT / "assets" / "training"
FUSIONS = ("early", "late", "cross_attention", "attention")
LIVE_STEP_CAP = 1000          # the slider's maximum; a request above it is cut to it
LIVE_TIME_LIMIT_S = 30.0      # wall-clock bound of one live run
LIVE_REFRESH_S = 0.25         # at most ~4 figure updates a second
LIVE_BATCH = 32
LIVE_LR = 3e-3
OBJECTIVE_COLORS = {"mlm": "#6366f1", "itm": "#f59e0b", "mrm": "#10b981", "loss": "#6b7280"}
RUN_STYLES = {("none", "frozen"): ("#9ca3af", "solid"), ("pretrained", "frozen"): ("#6366f1", "solid"),
              ("none", "top"): ("#9ca3af", "dash"), ("pretrained", "top"): ("#6366f1", "dash")}


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def smooth(values: list[float], share: float = 0.04) -> list[float]:
    """Centred moving average over about `share` of the curve, so that a noisy per-step loss reads as a trend
    without the lag of a running average (which draws a fast-falling loss above the real one)."""
    k = max(1, round(len(values) * share / 2))
    out = []
    for i in range(len(values)):
        window = values[max(0, i - k): i + k + 1]
        out.append(sum(window) / len(window))
    return out


# ------------------------------------------------------------------------------------------- figures
def load_fusion_logs(checkpoints: Path = CHECKPOINTS) -> dict[str, dict]:
    return {f: log for f in FUSIONS if (log := _read_json(Path(checkpoints) / f / "training_log.json"))}


def averaged_weights(logs: dict[str, dict]) -> bool:
    """Whether these training logs come from `train --ema` runs, whose validation accuracy is the averaged
    weights' (the curves' labels say so)."""
    return any(log.get("ema") for log in logs.values())


def fusion_curves_figure(logs: dict[str, dict]) -> go.Figure:
    """Left: training loss per step (smoothed); right: validation accuracy at the end of each epoch (of the
    averaged weights, for runs trained with --ema: the loss is the raw weights', the accuracy the average's)."""
    if not logs:
        return message("No training logs yet (python -m mmdemo.train --fusion all)")
    averaged = averaged_weights(logs)
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        "training loss per step", "validation accuracy (averaged weights)" if averaged else "validation accuracy"),
        horizontal_spacing=0.1)
    for name, log in logs.items():
        color = STRATEGY_COLORS.get(name)
        steps = log.get("steps") or []
        if steps:
            fig.add_trace(go.Scatter(x=[s["step"] for s in steps], y=smooth([s["loss"] for s in steps]),
                                     mode="lines", name=pretty(name), legendgroup=name, line=dict(color=color)), 1, 1)
        epochs = log.get("epochs") or []
        if epochs:
            fig.add_trace(go.Scatter(x=[e["step"] for e in epochs], y=[e["val_accuracy"] for e in epochs],
                                     mode="lines+markers", name=pretty(name), legendgroup=name, showlegend=not steps,
                                     line=dict(color=color), marker=dict(size=4)), 1, 2)
    fig.update_xaxes(title="step")
    fig.update_yaxes(tickformat=".0%", row=1, col=2)
    return style(fig, 360, legend=dict(LEGEND_BELOW, y=-0.2), margin=dict(l=10, r=10, t=60, b=10))


def pretraining_figure(log: dict | None) -> go.Figure:
    """Left: each objective's training loss per step (smoothed) with its validation loss as markers;
    right: validation MLM and matching accuracy."""
    if not log or not log.get("steps"):
        return message("No pretraining log yet (python -m mmdemo.experiments label-efficiency)")
    fig = make_subplots(rows=1, cols=2, subplot_titles=("pretraining losses (lines: train, dots: validation)",
                                                        "validation accuracy"), horizontal_spacing=0.1)
    steps, epochs = log["steps"], log.get("epochs") or []
    names = {"mlm": "masked words", "itm": "image/voice-text match", "mrm": "masked regions"}
    for k in ("mlm", "itm", "mrm"):
        fig.add_trace(go.Scatter(x=[s["step"] for s in steps], y=smooth([s[k] for s in steps]), mode="lines",
                                 name=names[k], legendgroup=k, line=dict(color=OBJECTIVE_COLORS[k])), 1, 1)
        val = [e for e in epochs if f"val_{k}" in e]
        fig.add_trace(go.Scatter(x=[e["step"] for e in val], y=[e[f"val_{k}"] for e in val], mode="markers",
                                 name=f"{names[k]} (val)", legendgroup=k, showlegend=False,
                                 marker=dict(color=OBJECTIVE_COLORS[k], size=7)), 1, 1)
    for k in ("mlm", "itm"):
        val = [e for e in epochs if f"val_{k}_accuracy" in e]
        fig.add_trace(go.Scatter(x=[e["step"] for e in val], y=[e[f"val_{k}_accuracy"] for e in val],
                                 mode="lines+markers", name=f"{names[k]} accuracy", legendgroup=k, showlegend=False,
                                 line=dict(color=OBJECTIVE_COLORS[k])), 1, 2)
    fig.update_xaxes(title="step")
    fig.update_yaxes(tickformat=".0%", row=1, col=2)
    return style(fig, 360, legend=dict(LEGEND_BELOW, y=-0.2), margin=dict(l=10, r=10, t=60, b=10))


def _run_style(run: dict) -> tuple[str, str]:
    return RUN_STYLES[(run["init"], "frozen" if run["encoders"] == "frozen" else "top")]


def _run_label(init: str, encoders: str) -> str:
    return ("pretrained" if init == "pretrained" else "no pretraining") + \
        (", frozen encoders" if encoders == "frozen" else f", fine-tuned {encoders} layers")


def label_efficiency_figure(result: dict | None) -> go.Figure:
    """Test accuracy against the share of labelled training data (log x axis), one line per setting."""
    if not result or not result.get("runs"):
        return message("No label-efficiency results yet (python -m mmdemo.experiments label-efficiency)")
    fig = go.Figure()
    for key in dict.fromkeys((r["init"], r["encoders"]) for r in result["runs"]):
        runs = sorted((r for r in result["runs"] if (r["init"], r["encoders"]) == key), key=lambda r: r["fraction"])
        color, dash = _run_style(runs[0])
        fig.add_trace(go.Scatter(
            x=[r["fraction"] for r in runs], y=[r["test_accuracy"] for r in runs], mode="lines+markers",
            name=_run_label(*key), line=dict(color=color, dash=dash), marker=dict(size=8),
            customdata=[r["labelled_samples"] for r in runs],
            hovertemplate="%{x:.0%} labels (%{customdata} samples): %{y:.1%}<extra></extra>"))
    fractions = sorted({r["fraction"] for r in result["runs"]})
    fig.update_xaxes(type="log", tickvals=fractions, ticktext=[f"{f:.0%}" for f in fractions],
                     title="share of labelled training data")
    fig.update_yaxes(tickformat=".0%", title="test intent accuracy")
    return style(fig, 400, legend=dict(LEGEND_BELOW, y=-0.22), margin=dict(l=10, r=10, t=50, b=10))


def label_efficiency_table(result: dict | None) -> list[list]:
    if not result or not result.get("runs"):
        return []
    from .experiments import table_rows

    return table_rows(result)[1]


def label_efficiency_headers(result: dict | None) -> list[str]:
    if not result or not result.get("runs"):
        return ["pretraining", "encoders", "1%", "5%", "20%", "100%"]
    from .experiments import table_rows

    return table_rows(result)[0]


def label_efficiency_note(result: dict | None) -> str:
    if not result or not result.get("runs"):
        return "*No label-efficiency results yet: run `python -m mmdemo.experiments label-efficiency`.*"
    p, proto = result.get("pretraining") or {}, result.get("protocol") or {}
    lines = [f"Attention fusion, intent accuracy on the {result.get('test_samples', '?')} test samples. "
             f"Pretraining: {p.get('steps', '?')} steps of masked words + image/voice-text matching + masked "
             f"regions on the training split with its labels withheld. Each fine-tuning run: at most "
             f"{proto.get('fine_tune_max_steps', '?')} steps (a CPU budget: the shipped models train longer)."]
    if proto.get("finetune_fractions"):
        lines.append(f"Fine-tuned encoder top layers were run at "
                     f"{', '.join(f'{f:.0%}' for f in proto['finetune_fractions'])} only. One seed per cell.")
    return " ".join(lines)


def run_fraction_choices(result: dict | None) -> list[tuple[str, float]]:
    if not result or not result.get("runs"):
        return []
    return [(f"{f:.0%} labels", f) for f in sorted({r["fraction"] for r in result["runs"]})]


def run_curves_figure(result: dict | None, fraction: float | None) -> go.Figure:
    """The fine-tuning runs at one share of labels: training loss (left) and validation accuracy (right)."""
    if not result or not result.get("runs"):
        return message("No fine-tuning runs yet")
    runs = [r for r in result["runs"] if fraction is None or abs(r["fraction"] - float(fraction)) < 1e-9]
    if not runs:
        return message("No runs at that share of labels")
    fig = make_subplots(rows=1, cols=2, subplot_titles=("training loss per step", "validation accuracy"),
                        horizontal_spacing=0.1)
    for r in runs:
        color, dash = _run_style(r)
        label = _run_label(r["init"], r["encoders"])
        fig.add_trace(go.Scatter(x=[p[0] for p in r["loss_curve"]], y=smooth([p[1] for p in r["loss_curve"]]),
                                 mode="lines", name=label, legendgroup=r["name"], line=dict(color=color, dash=dash)), 1, 1)
        fig.add_trace(go.Scatter(x=[p[0] for p in r["val_curve"]], y=[p[1] for p in r["val_curve"]],
                                 mode="lines+markers", name=label, legendgroup=r["name"], showlegend=False,
                                 line=dict(color=color, dash=dash), marker=dict(size=5)), 1, 2)
    fig.update_xaxes(title="step")
    fig.update_yaxes(tickformat=".0%", row=1, col=2)
    return style(fig, 360, legend=dict(LEGEND_BELOW, y=-0.2), margin=dict(l=10, r=10, t=60, b=10))


# ------------------------------------------------------------------------------------------- live training
def head_modules(model) -> list[nn.Module]:
    """The task heads: what the live control trains. For late fusion that includes its per-modality intent
    classifiers and modality weights (it has no separate intent head)."""
    mods = [m for m in (model.intent_head, model.image_kind_head, model.tone_head, model.tone_text_norm)
            if m is not None]
    if model.fusion.decides_intent:
        mods.append(model.fusion)
    return mods


def head_parameters(model) -> list[nn.Parameter]:
    return [p for m in head_modules(model) for p in m.parameters()]


def reset_heads(model, seed: int = 0) -> None:
    """Fresh heads: re-initialise every head layer (and late fusion's modality weights) from a seed."""
    torch.manual_seed(seed)
    for mod in head_modules(model):
        for m in mod.modules():
            if isinstance(m, nn.Linear):
                m.reset_parameters()
    if model.fusion.decides_intent:
        with torch.no_grad():
            model.fusion.modality_logits.zero_()


def heads_forward(model, reps: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(intent, image kind, tone) logits from precomputed head inputs (experiments.head_inputs)."""
    if model.fusion.decides_intent:
        from .alignment import AlignedTokens

        pooled, present = reps["pooled"].float(), reps["present"].bool()
        b, _, d = pooled.shape
        one = lambda i: (pooled[:, i:i + 1], present[:, i:i + 1])
        (text, tm), (image, im), (audio, am) = one(0), one(1), one(2)
        fused = model.fusion(AlignedTokens(pooled.new_zeros(b, 1, d), text, tm, image, im, audio, am))
        joint, intent = fused.joint, fused.intent_logits
    else:
        joint = reps["joint"].float()
        intent = model.intent_head(joint)
    tone_in = joint if not model.config.tone_reads_text else model.tone_text_input(
        joint, reps["text_mean"].float(), reps["has_text"].bool(), reps["text_cues"].float())
    return intent, model.image_kind_head(joint), model.tone_head(tone_in)


def _rows(reps: dict[str, torch.Tensor], idx: torch.Tensor) -> dict[str, torch.Tensor]:
    return {k: v[idx] for k, v in reps.items()}


class LiveTrainer:
    """Loads the live subset and the committed checkpoints once (read-only, shared); every run trains a private
    deep copy. Thread-safe loading; the runs themselves share nothing."""

    def __init__(self, checkpoints: str | Path = CHECKPOINTS, live_subset: str | Path = TRAINING_DIR / "live_subset.pt"):
        self.checkpoints, self.live_subset = Path(checkpoints), Path(live_subset)
        self._lock = threading.Lock()
        self._data: dict | None = None
        self._models: dict[str, object] = {}

    def data(self) -> dict | None:
        with self._lock:
            if self._data is None and self.live_subset.exists():
                self._data = torch.load(self.live_subset, weights_only=False)
            return self._data

    def available(self) -> dict[str, str]:
        """{fusion: "" if usable else why not}."""
        from .experiments import fingerprint

        data = self.data()
        out = {}
        for f in FUSIONS:
            folder = self.checkpoints / f
            if data is None:
                out[f] = f"no live subset at {self.live_subset}"
            elif f not in data["fusions"]:
                out[f] = "the live subset has no entry for this strategy"
            elif not (folder / "model.safetensors").exists():
                out[f] = f"no checkpoint at {folder}"
            elif fingerprint(folder) != data["fusions"][f]["fingerprint"]:
                out[f] = ("the checkpoint changed since the live subset was built: run "
                          "`python -m mmdemo.experiments live-subset`")
            else:
                out[f] = ""
        return out

    def committed(self, fusion: str):
        from .model import MultimodalModel

        with self._lock:
            if fusion not in self._models:
                self._models[fusion] = MultimodalModel.from_pretrained(self.checkpoints / fusion)
            return self._models[fusion]

    @torch.no_grad()
    def accuracy(self, model, reps: dict[str, torch.Tensor], labels: torch.Tensor) -> float:
        model.eval()
        intent, _, _ = heads_forward(model, reps)
        return float((intent.argmax(-1) == labels.long()).float().mean())

    def run(self, fusion: str, fraction: float, steps: int, fresh_heads: bool = True, seed: int = 0,
            step_cap: int = LIVE_STEP_CAP, time_limit_s: float = LIVE_TIME_LIMIT_S,
            updates: int = 40) -> Iterator[dict]:
        """Fine-tune a private copy's heads; yields progress dicts {"step", "losses", "val_curve", "done",
        "stopped_by", "model", ...} about `updates` times and once at the end. Stops at min(steps, step_cap)
        steps or after time_limit_s seconds, whichever comes first."""
        why = self.available().get(fusion, f"unknown strategy {fusion!r}")
        if why:
            raise RuntimeError(why)
        data = self.data()
        entry, labels = data["fusions"][fusion], data["labels"]
        model = copy.deepcopy(self.committed(fusion))
        for p in model.parameters():
            p.requires_grad_(False)
        if fresh_heads:
            reset_heads(model, seed)
        params = head_parameters(model)
        for p in params:
            p.requires_grad_(True)
        n_train = len(labels["train"]["intent"])
        gen = torch.Generator().manual_seed(seed)
        pool = torch.randperm(n_train, generator=gen)[: max(1, int(round(n_train * float(fraction))))]
        train_reps = {k: v[pool] for k, v in entry["train"].items()}
        train_labels = {k: labels["train"][k][pool].long() for k in ("intent", "image_kind", "tone")}
        val_reps, val_labels = entry["val"], labels["val"]["intent"]
        optimizer = torch.optim.AdamW(params, lr=LIVE_LR, weight_decay=0.01)
        from .train import LOSS_WEIGHTS

        total = max(1, min(int(steps), int(step_cap)))
        every = max(1, total // max(1, updates))
        before = self.accuracy(model, val_reps, val_labels)
        losses, val_curve = [], [(0, before)]
        t0, step, stopped_by = time.perf_counter(), 0, "steps"
        base = {"fusion": fusion, "fraction": float(fraction), "train_samples": len(pool), "requested_steps": int(steps),
                "max_steps": total, "val_accuracy_before": before, "val_samples": len(val_labels)}
        while step < total:
            if time.perf_counter() - t0 > time_limit_s:
                stopped_by = "time"
                break
            model.train()
            idx = torch.randint(len(pool), (min(LIVE_BATCH, len(pool)),), generator=gen)
            intent, kind, tone = heads_forward(model, _rows(train_reps, idx))
            loss = (LOSS_WEIGHTS["intent"] * F.cross_entropy(intent, train_labels["intent"][idx])
                    + LOSS_WEIGHTS["image_kind"] * F.cross_entropy(kind, train_labels["image_kind"][idx])
                    + LOSS_WEIGHTS["tone"] * F.cross_entropy(tone, train_labels["tone"][idx]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            losses.append((step, loss.item()))
            if step % every == 0 and step < total:
                val_curve.append((step, self.accuracy(model, val_reps, val_labels)))
                yield {**base, "step": step, "losses": list(losses), "val_curve": list(val_curve), "done": False,
                       "seconds": time.perf_counter() - t0}
        if not val_curve or val_curve[-1][0] != step:
            val_curve.append((step, self.accuracy(model, val_reps, val_labels)))
        model.eval()
        yield {**base, "step": step, "losses": losses, "val_curve": val_curve, "done": True, "stopped_by": stopped_by,
               "seconds": time.perf_counter() - t0, "val_accuracy_after": val_curve[-1][1], "model": model}


def live_figure(progress: dict | None) -> go.Figure:
    if not progress or not progress.get("losses"):
        return message("Press “Train” to fine-tune a private copy of the heads", height=300)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    steps, losses = zip(*progress["losses"])
    fig.add_trace(go.Scatter(x=steps, y=losses, mode="lines", name="training loss", line=dict(color="#c7d2fe")))
    fig.add_trace(go.Scatter(x=steps, y=smooth(list(losses), 0.1), mode="lines", name="loss (smoothed)",
                             line=dict(color="#6366f1")))
    vs, va = zip(*progress["val_curve"])
    fig.add_trace(go.Scatter(x=vs, y=va, mode="lines+markers", name="validation accuracy",
                             line=dict(color="#10b981"), marker=dict(size=5)), secondary_y=True)
    fig.update_xaxes(title="step", range=[0, max(progress["max_steps"], 1)])
    fig.update_yaxes(title="loss", rangemode="tozero", secondary_y=False)
    fig.update_yaxes(title="val accuracy", tickformat=".0%", range=[0, 1], secondary_y=True, showgrid=False)
    return style(fig, 320, legend=LEGEND, margin=dict(l=10, r=10, t=40, b=10))


def live_status(progress: dict) -> str:
    if not progress.get("done"):
        return f"Training… step {progress['step']} / {progress['max_steps']}"
    why = {"steps": "reached its step count", "time": f"hit the {LIVE_TIME_LIMIT_S:.0f} s time limit"}
    cut = (f" (you asked for {progress['requested_steps']}, the cap is {LIVE_STEP_CAP})"
           if progress["requested_steps"] > progress["max_steps"] else "")
    return (f"**{pretty(progress['fusion'])}**: {progress['step']} steps on {progress['train_samples']} samples "
            f"({progress['fraction']:.0%} of the live subset) in {progress['seconds']:.1f} s; stopped because it "
            f"{why[progress['stopped_by']]}{cut}. Validation intent accuracy of the heads "
            f"({progress['val_samples']} samples): {progress['val_accuracy_before']:.1%} → "
            f"**{progress['val_accuracy_after']:.1%}**. This copy is private to your session; the app's model "
            f"is unchanged.")


# ------------------------------------------------------------------------------------------- the tab
def build_training_tab(checkpoints: str | Path = CHECKPOINTS, training_dir: str | Path = TRAINING_DIR,
                       live_subset: str | Path | None = None) -> SimpleNamespace:
    """Add the Training tab's components to the current gr.Blocks / gr.Tab context. Returns the components
    (e.g. `.live_model`, the gr.State holding the visitor's private fine-tuned copy) for the caller to wire.
    Named API endpoints: /training_curves, /training_runs, /train_live."""
    import gradio as gr

    checkpoints, training_dir = Path(checkpoints), Path(training_dir)
    trainer = LiveTrainer(checkpoints, live_subset or training_dir / "live_subset.pt")

    def load_all():
        result = _read_json(training_dir / "label_efficiency.json")
        choices = run_fraction_choices(result)
        first = choices[0][1] if choices else None
        return (fusion_curves_figure(load_fusion_logs(checkpoints)),
                pretraining_figure(_read_json(training_dir / "pretraining_log.json")),
                label_efficiency_figure(result), label_efficiency_note(result),
                gr.update(value=label_efficiency_table(result), headers=label_efficiency_headers(result)),
                gr.update(choices=choices, value=first), run_curves_figure(result, first))

    init = load_all()
    ns = SimpleNamespace(trainer=trainer)
    gr.Markdown("### How the models learned", elem_id="training-title")
    ns.fusion_plot = gr.Plot(init[0], label="Fusion strategies: training loss and validation accuracy",
                             elem_id="training-fusion-curves")
    ns.pretrain_plot = gr.Plot(init[1], label="Pretraining the attention fusion without labels",
                               elem_id="training-pretrain-curves")
    gr.Markdown("### What pretraining buys: label efficiency")
    ns.le_note = gr.Markdown(init[3], elem_id="training-le-note")
    with gr.Row():
        with gr.Column(scale=3):
            ns.le_plot = gr.Plot(init[2], label="Test accuracy by share of labelled data", elem_id="training-le-plot")
        with gr.Column(scale=2):
            ns.le_table = gr.Dataframe(init[4]["value"], headers=init[4]["headers"], interactive=False,
                                       label="Test intent accuracy", elem_id="training-le-table")
    with gr.Row():
        ns.run_fraction = gr.Dropdown(init[5]["choices"], value=init[5]["value"], label="Runs at",
                                      elem_id="training-run-fraction", scale=1)
        ns.reload = gr.Button("Reload logs", elem_id="training-reload", scale=0)
    ns.run_plot = gr.Plot(init[6], label="Fine-tuning runs: learning curves", elem_id="training-run-curves")

    gr.Markdown("### Train a little, live\nFine-tune the task heads of a committed model on a share of a small "
                "shipped subset (frozen backbone; what the heads read is precomputed). Your run trains a private "
                "copy: nothing is saved and other visitors keep the committed model.")
    available = trainer.available()
    usable = [f for f in FUSIONS if not available[f]]
    with gr.Row():
        ns.live_fusion = gr.Dropdown([(pretty(f), f) for f in FUSIONS], value=(usable or ["attention"])[0],
                                     label="Strategy", elem_id="training-live-fusion")
        ns.live_fraction = gr.Slider(0.05, 1.0, value=0.2, step=0.05, label="Share of the live subset",
                                     elem_id="training-live-fraction")
        ns.live_steps = gr.Slider(10, LIVE_STEP_CAP, value=200, step=10, label="Steps",
                                  elem_id="training-live-steps")
        ns.live_start = gr.Radio([("fresh heads", "fresh"), ("committed heads", "committed")], value="fresh",
                                 label="Start from", elem_id="training-live-start")
    with gr.Row():
        ns.live_button = gr.Button("Train", variant="primary", elem_id="training-live-train")
        ns.live_stop = gr.Button("Stop", elem_id="training-live-stop")
    ns.live_plot = gr.Plot(live_figure(None), label="Your run: loss and validation accuracy per step",
                           elem_id="training-live-plot")
    ns.live_text = gr.Markdown("" if usable else "*Live training is unavailable: "
                               + (available["attention"] or "no usable checkpoint") + "*",
                               elem_id="training-live-status")
    ns.live_model = gr.State(None)

    def train_live(fusion, fraction, steps, start, state):
        """Stream (figure, status, private model state) while a private copy's heads train."""
        why = trainer.available().get(fusion, "unknown strategy")
        if why:
            yield message("Live training is unavailable", height=300), f"*Live training is unavailable: {why}*", state
            return
        last, shown = None, 0.0
        for progress in trainer.run(fusion, float(fraction), int(steps), fresh_heads=start != "committed"):
            last = progress
            if progress["done"]:
                break
            if time.perf_counter() - shown >= LIVE_REFRESH_S:   # a figure costs ~0.1 s: not one per step
                shown = time.perf_counter()
                yield live_figure(progress), live_status(progress), state
        private = {k: v for k, v in last.items() if k not in ("losses", "val_curve")}
        yield live_figure(last), live_status(last), private

    def show_runs(fraction):
        return run_curves_figure(_read_json(training_dir / "label_efficiency.json"), fraction)

    ns.train_live, ns.show_runs, ns.load_all = train_live, show_runs, load_all
    ns.reload.click(load_all, None, [ns.fusion_plot, ns.pretrain_plot, ns.le_plot, ns.le_note, ns.le_table,
                                     ns.run_fraction, ns.run_plot], api_name="training_curves")
    ns.run_fraction.change(show_runs, ns.run_fraction, ns.run_plot, api_name="training_runs")
    ns.live_event = ns.live_button.click(train_live, [ns.live_fusion, ns.live_fraction, ns.live_steps, ns.live_start,
                                                      ns.live_model], [ns.live_plot, ns.live_text, ns.live_model],
                                         api_name="train_live", concurrency_limit=1, concurrency_id="training_live")
    ns.live_stop.click(None, None, None, cancels=[ns.live_event])   # fn=None: a private endpoint
    return ns
