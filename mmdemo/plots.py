"""Plotly figures for the app. Transparent backgrounds and a neutral template, so they sit in the light and the
dark theme alike (the app's CSS recolours the text in dark mode). No figure titles: the gr.Plot label names it."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import plotly.graph_objects as go

FONT = dict(family="Inter, ui-sans-serif, system-ui, sans-serif", size=12)
STRATEGY_COLORS = {"attention": "#6366f1", "cross_attention": "#0ea5e9", "late": "#f59e0b", "early": "#10b981"}
MODALITY_COLORS = {"cls": "#a855f7", "text": "#6366f1", "image": "#10b981", "audio": "#f59e0b"}
HEAT = "Viridis"
# Legends sit top right: the top left is where Gradio draws the plot's label.
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.16, xanchor="center", x=0.5, bgcolor="rgba(0,0,0,0)")
LEGEND = dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1, bgcolor="rgba(0,0,0,0)")


def pretty(label: str) -> str:
    return label.replace("_", " ")


def style(fig: go.Figure, height: int = 320, **layout: Any) -> go.Figure:
    settings = dict(template="plotly_white", height=height, font=FONT, paper_bgcolor="rgba(0,0,0,0)",
                    plot_bgcolor="rgba(0,0,0,0)", margin=dict(l=10, r=10, t=30, b=10))
    settings.update(layout)
    fig.update_layout(**settings)
    return fig


def message(text: str, height: int = 240) -> go.Figure:
    """An empty figure that says why there is nothing to show."""
    fig = go.Figure()
    fig.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=14, color="#6b7280"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, height)


def top_probs(probs: dict[str, float], k: int = 3, color: str = "#6366f1", height: int = 170) -> go.Figure:
    """Horizontal bars of the k most probable labels, the best on top."""
    items = sorted(probs.items(), key=lambda kv: -kv[1])[:k][::-1]
    fig = go.Figure(go.Bar(x=[p for _, p in items], y=[pretty(n) for n, _ in items], orientation="h",
                           marker_color=color, text=[f"{p:.0%}" for _, p in items], textposition="auto",
                           hovertemplate="%{y}: %{x:.1%}<extra></extra>"))
    fig.update_xaxes(range=[0, 1], tickvals=[0, 0.5, 1], tickformat=".0%", showgrid=True)
    return style(fig, height, margin=dict(l=10, r=10, t=10, b=10), bargap=0.35)


def _ticks(tokens: Sequence[str], limit: int = 60,
           segments: dict[str, tuple[int, int]] | None = None) -> tuple[list[int], list[str]]:
    """Tick positions and labels, at most about `limit`: every word is labelled, the image cells and audio
    tokens (long, regular runs) are thinned evenly to fit."""
    dense = set()
    for name, (start, end) in (segments or {}).items():
        if name in ("image", "audio"):
            dense.update(range(start, end))
    keep = [i for i in range(len(tokens)) if i not in dense]
    step = max(1, int(np.ceil(len(dense) / max(limit - len(keep), 1)))) if dense else 1
    if not segments:
        step = max(1, int(np.ceil(len(tokens) / limit)))
        return list(range(0, len(tokens), step)), [tokens[i] for i in range(0, len(tokens), step)]
    for name, (start, end) in segments.items():
        if name in ("image", "audio"):
            keep += list(range(start, end, step))
    pos = sorted(keep)
    return pos, [tokens[i] for i in pos]


def token_matrix(matrix: np.ndarray, tokens: Sequence[str], segments: dict[str, tuple[int, int]],
                 height: int = 620, label: str = "weight") -> go.Figure:
    """The full query x key matrix with each modality's block outlined and named along the top."""
    n = len(tokens)
    fig = go.Figure(go.Heatmap(z=matrix, x=list(range(n)), y=list(range(n)), colorscale=HEAT, zmin=0,
                               customdata=np.array([[f"{tokens[i]} → {tokens[j]}" for j in range(n)] for i in range(n)]),
                               hovertemplate="%{customdata}<br>" + label + " %{z:.3f}<extra></extra>",
                               colorbar=dict(thickness=12, len=0.8)))
    for name, (start, end) in segments.items():
        if end <= start:
            continue
        color = MODALITY_COLORS.get(name, "#888")
        for a, b in ((start - 0.5, end - 0.5),):
            fig.add_shape(type="rect", x0=a, x1=b, y0=-0.5, y1=n - 0.5, line=dict(color=color, width=1.5))
            fig.add_shape(type="rect", y0=a, y1=b, x0=-0.5, x1=n - 0.5, line=dict(color=color, width=1.5))
        fig.add_annotation(x=(start + end - 1) / 2, y=-0.5, yref="y", text=f"<b>{name}</b>", showarrow=False,
                           yanchor="bottom", font=dict(color=color, size=12), yshift=2)
    pos, labels = _ticks(list(tokens), 70, segments)
    fig.update_xaxes(tickvals=pos, ticktext=labels, tickangle=-60, tickfont=dict(size=9), side="bottom",
                     showgrid=False)
    fig.update_yaxes(tickvals=pos, ticktext=labels, tickfont=dict(size=9), autorange="reversed", showgrid=False,
                     title="query (attends from)")
    fig.update_xaxes(title="key (attends to)")
    return style(fig, height, margin=dict(l=10, r=10, t=30, b=10))


def cross_map(matrix: np.ndarray, queries: Sequence[str], keys: Sequence[str], height: int = 360,
              label: str = "weight") -> go.Figure:
    """A text->image or text->audio map: query tokens (rows) x context tokens (columns)."""
    fig = go.Figure(go.Heatmap(z=matrix, x=list(keys), y=list(queries), colorscale=HEAT, zmin=0,
                               hovertemplate="%{y} → %{x}<br>" + label + " %{z:.3f}<extra></extra>",
                               colorbar=dict(thickness=12)))
    pos, labels = _ticks(list(keys), 25)
    fig.update_xaxes(tickvals=[keys[i] for i in pos], ticktext=labels, tickangle=-60, tickfont=dict(size=9),
                     type="category")
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=10), type="category")
    return style(fig, height)


def spectrogram(features: np.ndarray, curves: dict[str, np.ndarray], seconds_per_token: float,
                height: int = 300) -> go.Figure:
    """The voice message's log-mel spectrogram (a frame every 10 ms) with one curve per named score over the
    audio tokens (each scaled to its maximum), e.g. {"attention": ..., "relevancy": ...}."""
    feats = np.asarray(features, dtype=np.float32)
    t = np.arange(feats.shape[0]) * 0.01
    fig = go.Figure(go.Heatmap(z=feats.T, x=t, y=np.arange(feats.shape[1]), colorscale="Greys",
                               showscale=False, hovertemplate="%{x:.2f} s<extra></extra>"))
    colors = ["#f97316", "#6366f1", "#10b981"]
    for (label, scores), color in zip(curves.items(), colors):
        if scores is None or not len(scores):
            continue
        s = np.clip(np.asarray(scores, dtype=np.float64), 0, None)
        s = s / s.max() if s.max() > 0 else s
        centres = (np.arange(len(s)) + 0.5) * seconds_per_token
        fig.add_trace(go.Scatter(x=centres, y=s, yaxis="y2", mode="lines", line=dict(color=color, width=3),
                                 name=label, hovertemplate="%{x:.2f} s: %{y:.2f}<extra>" + label + "</extra>"))
    fig.update_layout(yaxis=dict(title="mel band", showgrid=False),
                      yaxis2=dict(overlaying="y", side="right", range=[0, 1.05], title="share of the maximum",
                                  showgrid=False),
                      xaxis=dict(title="seconds", showgrid=False), showlegend=True)
    return style(fig, height, legend=LEGEND, margin=dict(l=10, r=10, t=44, b=10))


# ------------------------------------------------------------------------------------------ evaluation
def eval_overview(results: dict[str, dict]) -> go.Figure:
    """Accuracy and macro-F1 per strategy."""
    names = list(results)
    fig = go.Figure()
    for metric, color in (("accuracy", "#6366f1"), ("macro_f1", "#0ea5e9")):
        vals = [results[n].get(metric) for n in names]
        fig.add_trace(go.Bar(name=pretty(metric).replace("macro f1", "macro-F1"), x=[pretty(n) for n in names],
                             y=vals, marker_color=color, text=[f"{v:.1%}" if v is not None else "" for v in vals],
                             textposition="outside"))
    fig.update_yaxes(range=[0, 1.1], tickformat=".0%")
    return style(fig, 300, barmode="group", legend=LEGEND, margin=dict(l=10, r=10, t=44, b=10))


def eval_by_group(results: dict[str, dict], key: str, height: int = 320) -> go.Figure:
    """Accuracy per strategy within each group of `key` ("by_mix", "by_rule" or "dropped")."""
    from .schema import MODALITY_MIXES, RULES

    groups: list[str] = []
    for r in results.values():
        for g in (r.get(key) or {}):
            if g not in groups:
                groups.append(g)
    known = {"by_mix": MODALITY_MIXES, "by_rule": RULES, "dropped": ("text", "image", "audio")}.get(key, ())
    groups.sort(key=lambda g: known.index(g) if g in known else len(known))
    fig = go.Figure()
    for name, r in results.items():
        part = r.get(key) or {}
        vals = [part.get(g, {}).get("accuracy") for g in groups]
        fig.add_trace(go.Bar(name=pretty(name), x=[("no " + g if key == "dropped" else g) for g in groups], y=vals,
                             marker_color=STRATEGY_COLORS.get(name),
                             hovertemplate="%{x}: %{y:.1%}<extra>" + pretty(name) + "</extra>"))
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%")
    return style(fig, height, barmode="group", legend=LEGEND_BELOW, margin=dict(l=10, r=10, t=36, b=10))


def training_curves(logs: dict[str, dict]) -> go.Figure:
    """Validation accuracy per epoch of every strategy's training run."""
    fig = go.Figure()
    for name, log in logs.items():
        epochs = log.get("epochs") or []
        if not epochs:
            continue
        fig.add_trace(go.Scatter(x=[e.get("epoch") for e in epochs], y=[e.get("val_accuracy") for e in epochs],
                                 mode="lines+markers", name=pretty(name), line=dict(color=STRATEGY_COLORS.get(name))))
    if not fig.data:
        return message("No training logs yet")
    fig.update_yaxes(tickformat=".0%", title="validation accuracy")
    fig.update_xaxes(title="epoch", dtick=1)
    return style(fig, 320, legend=dict(LEGEND_BELOW, y=-0.3), margin=dict(l=10, r=10, t=36, b=10))
