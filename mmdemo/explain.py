"""Explaining one prediction: attention maps, attention rollout and gradient-weighted relevancy.

Three ways to ask "what did the model look at?", from the weakest claim to the strongest:

  raw attention  A[l, h]: how much position i mixes in position j, in one layer and one head.
  rollout        Abnar & Zuidema (2020): follow attention through all layers, counting the residual path:
                     Â_l = rownorm(0.5 * mean_h A_l + 0.5 * I),    R = Â_L · ... · Â_1
  relevancy      Chefer, Gur & Wolf (2021): keep only the attention that raises the predicted intent,
                     Ā_l = mean_h((∇_A y_t ⊙ A_l)^+),    R_0 = I,    R ← R + Ā_l · R
                 where y_t is the intent logit and ∇_A its gradient with respect to the attention weights.

Attention alone is not an explanation: a head may attend strongly to a token whose value vector it then
ignores, so the app shows relevancy (which uses the gradient of the decision) next to raw attention.

The pure functions (rollout, relevancy_from, image_overlay, ...) work on numpy arrays; explain_prepared() runs
a Pipeline's models on a PreparedInput and returns everything the Attention tab draws.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import torch
from PIL import Image

from .schema import INTENTS

EXPLAINABLE = ("attention", "cross_attention")   # fusions that have attention weights to show

# A perceptually ordered colormap (dark blue -> teal -> yellow, like viridis), as anchors to interpolate.
_CMAP = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], dtype=np.float32)


# ----------------------------------------------------------------------------------------------- maths
def _as_matrix(layer: np.ndarray) -> np.ndarray:
    """[H, N, N] -> head mean [N, N]; [N, N] passes through."""
    a = np.asarray(layer, dtype=np.float64)
    return a.mean(axis=0) if a.ndim == 3 else a


def rollout(attentions: Sequence[np.ndarray], residual: float = 0.5) -> np.ndarray:
    """Attention rollout (Abnar & Zuidema 2020) over layers given first to last, each [H, N, N] or [N, N].

    Every layer's head-averaged attention is mixed with the identity (the residual connection carries the
    token itself forward) and renormalised, then the layers are multiplied. Rows of the result sum to 1:
    row i is how much each input position flows into position i at the top.
    """
    if not len(attentions):
        raise ValueError("rollout needs at least one layer of attention")
    n = _as_matrix(attentions[0]).shape[-1]
    eye = np.eye(n)
    result = eye
    for layer in attentions:
        a = (1.0 - residual) * _as_matrix(layer) + residual * eye
        a = a / np.clip(a.sum(axis=-1, keepdims=True), 1e-12, None)
        result = a @ result
    return result


def relevancy_from(attentions: Sequence[Any], grads: Sequence[Any]) -> np.ndarray:
    """Chefer et al. (2021), self-attention rule: R = I, then per layer R += mean_h((grad ⊙ A)^+) · R.

    attentions / grads: per layer [H, N, N] (numpy or torch). Returns R [N, N], finite and non-negative.
    """
    result = None
    for a, g in zip(attentions, grads):
        a = np.asarray(torch.as_tensor(a).detach().double())
        g = np.asarray(torch.as_tensor(g).detach().double())
        cam = np.clip(g * a, 0.0, None)
        cam = cam.mean(axis=0) if cam.ndim == 3 else cam
        if result is None:
            result = np.eye(cam.shape[-1])
        result = result + cam @ result
    if result is None:
        raise ValueError("relevancy needs at least one layer of attention")
    return np.nan_to_num(result, nan=0.0, posinf=0.0, neginf=0.0)


def _grad_inputs(inputs):
    """Clone the float inputs so that they require grad: the attention weights then always sit on a graph,
    even if the model's parameters are frozen, and the tensors are ordinary (not inference-mode) tensors."""
    from dataclasses import fields, replace

    changes = {}
    for f in fields(inputs):
        t = getattr(inputs, f.name)
        if t is not None:
            changes[f.name] = t.clone().requires_grad_(True) if t.is_floating_point() else t.clone()
    return replace(inputs, **changes)


def gradient_relevancy(model, inputs, target: int | None = None) -> dict[str, Any]:
    """Run `model` (attention fusion) on one request with gradients and apply the relevancy rule.

    Returns {"relevancy": [N, N], "attentions": per layer [H, N, N] (numpy), "target": intent index,
    "logits": [n_intents], "valid": [N] bool (positions that are real tokens), "output": the ModelOutput}.
    """
    with torch.enable_grad():
        out = model(_grad_inputs(inputs), return_attention=True)
        attn = out.fusion.attentions
        if not attn:
            raise ValueError(f"fusion {model.config.fusion!r} returns no self-attention weights")
        logits = out.intent_logits[0]
        if target is None:
            target = int(logits.argmax())
        grads = torch.autograd.grad(logits[target], attn, allow_unused=True)
    grads = [torch.zeros_like(a) if g is None else g for a, g in zip(attn, grads)]
    attn_np = [a[0].detach().double().numpy() for a in attn]
    rel = relevancy_from(attn_np, [g[0] for g in grads])
    al = out.aligned
    valid = torch.cat([torch.ones(1, dtype=torch.bool), al.text_mask[0], al.image_mask[0], al.audio_mask[0]]).numpy()
    return {"relevancy": rel, "attentions": attn_np, "target": target, "logits": logits.detach().numpy(),
            "valid": valid, "output": out}


def cross_relevancy(model, inputs, target: int | None = None) -> dict[str, dict[str, np.ndarray]]:
    """For the cross_attention fusion: per branch ("text->image", "text->audio") the attention of every layer
    [L, H, Nq, Nk] and a gradient-weighted map sum_l mean_h((grad ⊙ A_l)^+) [Nq, Nk] (the same ^+ rule as
    above applied to the query->key maps; the branches have no query->query path to roll out)."""
    with torch.enable_grad():
        out = model(_grad_inputs(inputs), return_attention=True)
        layers = out.fusion.cross_attention_layers or {}
        logits = out.intent_logits[0]
        if target is None:
            target = int(logits.argmax())
        keys = [k for k in layers if layers[k]]
        flat = [a for k in keys for a in layers[k]]
        grads = torch.autograd.grad(logits[target], flat, allow_unused=True) if flat else []
    result: dict[str, dict[str, np.ndarray]] = {}
    i = 0
    for k in keys:
        attn = [a[0].detach().double().numpy() for a in layers[k]]
        gs = [g if g is not None else torch.zeros_like(a) for a, g in zip(layers[k], grads[i:i + len(attn)])]
        i += len(attn)
        rel = sum(np.clip(g[0].detach().double().numpy() * a, 0, None).mean(axis=0) for a, g in zip(attn, gs))
        result[k] = {"attentions": np.stack(attn), "relevancy": np.nan_to_num(rel)}
    return result


# ------------------------------------------------------------------------------------------- pictures
def colormap(values: np.ndarray) -> np.ndarray:
    """Values in [0, 1] -> RGB uint8 (viridis-like)."""
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float32)), 0, 1) * (len(_CMAP) - 1)
    lo = np.floor(v).astype(int).clip(0, len(_CMAP) - 2)
    frac = (v - lo)[..., None]
    return (_CMAP[lo] * (1 - frac) + _CMAP[lo + 1] * frac).astype(np.uint8)


def normalise(scores: np.ndarray) -> np.ndarray:
    """Min-max scale scores to [0, 1], as attention maps are usually drawn: the colours show where a map is
    relatively high, whatever its absolute level. A flat map (no preference at all) becomes all zeros."""
    s = np.nan_to_num(np.asarray(scores, dtype=np.float64))
    if not s.size:
        return s
    lo, hi = s.min(), s.max()
    return (s - lo) / (hi - lo) if hi - lo > 1e-12 * max(abs(hi), 1.0) else np.zeros_like(s)


def image_overlay(image: Image.Image, patch_scores: np.ndarray, grid: tuple[int, int] = (7, 7),
                  strength: float = 0.6) -> Image.Image:
    """Blend a heatmap of per-patch scores (row-major, rows*cols) over `image`; the result has the image's size.
    Strongly attended cells are coloured (and opaque), weakly attended ones let the picture show through."""
    rows, cols = grid
    heat = normalise(np.asarray(patch_scores, dtype=np.float64).reshape(rows, cols)).astype(np.float32)
    smooth = Image.fromarray(heat, mode="F").resize(image.size, Image.BICUBIC)
    h = np.clip(np.asarray(smooth, dtype=np.float32), 0, 1)
    base = np.asarray(image.convert("RGB"), dtype=np.float32)
    alpha = (0.1 + strength * h)[..., None]
    out = base * (1 - alpha) + colormap(h).astype(np.float32) * alpha
    return Image.fromarray(out.clip(0, 255).astype(np.uint8))


def word_scores(tokens: Sequence[str], scores: Sequence[float]) -> list[tuple[str, float]]:
    """Word pieces -> whole words with the largest piece score, min-max scaled to [0, 1], for gr.HighlightedText.
    Special tokens ([CLS]/[SEP]/padding) are dropped; words are separated by spaces."""
    words: list[list] = []
    for tok, s in zip(tokens, scores):
        if tok in ("[TXT]", "[CLS]", "[SEP]", "[PAD]", "(pad)"):
            continue
        if tok.startswith("##") and words:
            words[-1][0] += tok[2:]
            words[-1][1] = max(words[-1][1], float(s))
        else:
            words.append([tok, float(s)])
    if not words:
        return []
    scaled = normalise(np.array([s for _, s in words]))
    out: list[tuple[str, float]] = []
    for i, ((w, _), s) in enumerate(zip(words, scaled)):
        out.append((w, round(float(s), 3)))
        if i < len(words) - 1:
            out.append((" ", None))
    return out


# ------------------------------------------------------------------------------------ whole explanation
@dataclass
class Explained:
    """Everything the Attention tab draws for one turn, restricted to the real tokens (no padding)."""
    asked_fusion: str                       # the strategy that answered the turn
    fusion: str                             # the model whose attention is shown ("attention")
    intent: str                             # that model's predicted intent (the relevancy target)
    confidence: float
    tokens: list[str]
    segments: dict[str, tuple[int, int]]    # modality -> [start, end) over `tokens`
    attentions: list[np.ndarray]            # per layer [H, n, n]
    rollout: np.ndarray                     # [n, n]
    relevancy: np.ndarray                   # [n, n]
    image: Any = None                       # PIL, square at the encoder's input size: the image as it saw it
    grid: tuple[int, int] = (7, 7)
    audio_features: Any = None              # [T, 80] log-mel
    seconds_per_token: float = 0.08
    cross: dict[str, dict[str, Any]] = field(default_factory=dict)   # cross_attention model's branches
    cross_query_tokens: list[str] = field(default_factory=list)
    cross_intent: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def n_layers(self) -> int:
        return len(self.attentions)

    @property
    def n_heads(self) -> int:
        return self.attentions[0].shape[0] if self.attentions else 0

    def segment(self, name: str) -> tuple[int, int] | None:
        seg = self.segments.get(name)
        return seg if seg and seg[1] > seg[0] else None

    def scores(self, mode: str = "raw", source: int = 0, layer: int | None = None, head: int | None = None) -> np.ndarray:
        """One row of a view: how much every token contributes to `source` (0 = [CLS]).

        mode "raw": layer (0-based; None = the last) and head (None = the mean over heads);
        "rollout" and "relevancy" span all layers and heads. The source's own entry is zeroed (in rollout and
        relevancy it is dominated by the identity / residual path, which says nothing about the others).
        """
        if mode == "raw":
            a = self.attentions[self.n_layers - 1 if layer is None else layer]
            row = (a.mean(axis=0) if head is None else a[head])[source]
        elif mode == "rollout":
            row = self.rollout[source]
        elif mode == "relevancy":
            row = self.relevancy[source]
        else:
            raise ValueError(f"unknown view {mode!r}")
        row = np.array(row, dtype=np.float64)
        row[source] = 0.0
        return row

    def matrix(self, mode: str = "raw", layer: int | None = None, head: int | None = None) -> np.ndarray:
        if mode == "raw":
            a = self.attentions[self.n_layers - 1 if layer is None else layer]
            return a.mean(axis=0) if head is None else a[head]
        return self.rollout if mode == "rollout" else self.relevancy

    def part(self, scores: np.ndarray, name: str) -> np.ndarray | None:
        seg = self.segment(name)
        return None if seg is None else scores[seg[0]:seg[1]]

    def overlay(self, scores: np.ndarray) -> Image.Image | None:
        patch = self.part(scores, "image")
        if self.image is None or patch is None:
            return None
        return image_overlay(self.image, patch, self.grid)

    def words(self, scores: np.ndarray) -> list[tuple[str, float]]:
        seg = self.segment("text")
        if seg is None:
            return []
        return word_scores(self.tokens[seg[0]:seg[1]], scores[seg[0]:seg[1]])


def _token_labels(pipeline, prepared, segments, seconds_per_token) -> list[str]:
    labels = pipeline.token_labels(prepared, segments, seconds_per_token)
    text = segments.get("text")
    if text and text[1] > text[0] and labels[text[0]] == "[CLS]":
        labels[text[0]] = "[TXT]"          # the text encoder's own [CLS], not the fusion's
    return labels


def prepare_turn(pipeline, text: str | None, image: Any = None, audio: Any = None, transcript: str | None = None,
                 other_hypotheses=()):
    """A PreparedInput for a stored turn. With the transcripts already known, the ASR is not run again."""
    return pipeline.prepare(text, image, audio, transcript=transcript, other_hypotheses=other_hypotheses)


def explain_prepared(pipeline, prepared, asked_fusion: str = "attention") -> Explained:
    """Attention maps, rollout and relevancy of the attention model for one request (plus the cross-attention
    model's text->image / text->audio maps when that model is loaded)."""
    if "attention" not in pipeline.models:
        raise ValueError("the attention model is not loaded, so there is nothing to explain")
    model = pipeline.models["attention"]
    inputs = pipeline.model_inputs(prepared)
    # With several transcripts the answer is their mean (Pipeline.predict_prepared): the maps show the words of
    # the best transcript, and the relevancy follows the intent that was answered.
    answered = pipeline.predict_prepared(prepared, "attention") if prepared.other_hypotheses else None
    res = gradient_relevancy(model, inputs, None if answered is None else INTENTS.index(answered.intent))
    out, valid = res["output"], res["valid"]
    idx = np.flatnonzero(valid)
    full_segments = dict(out.fusion.segments)
    n_frames = prepared.features["audio_feats"].shape[0] if prepared.features.get("audio_feats") is not None else 0
    spt = float(model.audio_encoder.seconds_per_token(n_frames)) if n_frames else 0.08
    labels = _token_labels(pipeline, prepared, full_segments, spt)
    segments = {}
    for name, (start, end) in full_segments.items():   # re-index over the real tokens only
        inside = idx[(idx >= start) & (idx < end)]
        if len(inside):
            first = int(np.searchsorted(idx, inside[0]))
            segments[name] = (first, first + len(inside))
    attn = [a[np.ix_(range(a.shape[0]), idx, idx)] for a in res["attentions"]]
    probs = torch.softmax(torch.as_tensor(res["logits"]) / float(model.temperature), -1)
    confidence = float(probs[res["target"]]) if answered is None else answered.confidence
    notes = []
    if answered is not None:
        notes.append(f"The recogniser offered {len(prepared.hypotheses)} transcripts; the answer is the mean over "
                     "all of them. The maps show the words of the best one.")
    if asked_fusion != "attention":
        notes.append(f"This turn was answered by the **{asked_fusion}** strategy"
                     + (", which has no attention weights" if asked_fusion not in EXPLAINABLE else "")
                     + "; the panels below re-run the same inputs through the **attention** model.")
    expl = Explained(asked_fusion=asked_fusion, fusion="attention", intent=INTENTS[res["target"]],
                     confidence=confidence, tokens=[labels[i] for i in idx], segments=segments,
                     attentions=attn, rollout=rollout(attn), relevancy=res["relevancy"][np.ix_(idx, idx)],
                     image=None, grid=tuple(pipeline.extractor.image_encoder.grid),
                     audio_features=None if not n_frames else prepared.features["audio_feats"].float().numpy(),
                     seconds_per_token=spt, notes=notes)
    if prepared.image is not None:
        expl.image = pipeline.extractor.image_encoder.letterbox(prepared.image)
    if "cross_attention" in pipeline.models:
        _add_cross(expl, pipeline, prepared, inputs, labels, full_segments, idx)
    return expl


def _add_cross(expl: Explained, pipeline, prepared, inputs, labels, full_segments, idx) -> None:
    model = pipeline.models["cross_attention"]
    if prepared.other_hypotheses:
        expl.cross_intent = pipeline.predict_prepared(prepared, "cross_attention").intent
    else:
        with torch.no_grad():
            expl.cross_intent = INTENTS[int(model(inputs).intent_logits[0].argmax())]
    branches = cross_relevancy(model, inputs, INTENTS.index(expl.cross_intent))
    text = full_segments.get("text", (1, 1))
    q_idx = [0] + [i for i in range(text[0], text[1]) if i in set(idx.tolist())]
    expl.cross_query_tokens = ["[Q]"] + [labels[i] for i in q_idx[1:]]
    q_rows = [0] + [i - text[0] + 1 for i in q_idx[1:]]
    for name, key_seg in (("text->image", "image"), ("text->audio", "audio")):
        if name not in branches or key_seg not in expl.segments:
            continue
        start, end = full_segments[key_seg]
        k_cols = [i - start for i in idx.tolist() if start <= i < end]
        b = branches[name]
        expl.cross[name] = {"attentions": b["attentions"][:, :, q_rows][:, :, :, k_cols],
                            "relevancy": b["relevancy"][np.ix_(q_rows, k_cols)]}
