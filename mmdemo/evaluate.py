"""Evaluate fusion strategies on a manifest with exactly the app's pipeline.

`python -m mmdemo.evaluate --manifest data/test/manifest.jsonl --fusion all --json assets/eval/test_results.json`

Every row goes through Pipeline.prepare() (decode, ASR on the audio, frozen encoders) once, then through each
strategy. Besides accuracy and macro-F1 it reports accuracy by modality mix and by rule, and accuracy with each
modality dropped (the image, the voice, or the typed text removed), which shows what each strategy relies on.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from .calibration import expected_calibration_error
from .data.manifest import read_manifest
from .inference import FUSION_ORDER, Pipeline, PreparedInput
from .media import InputError
from .schema import INTENTS, TONES


def f1_scores(y_true: list[str], y_pred: list[str], labels=INTENTS) -> dict[str, float]:
    scores = {}
    for lab in labels:
        tp = sum(t == lab and p == lab for t, p in zip(y_true, y_pred))
        fp = sum(t != lab and p == lab for t, p in zip(y_true, y_pred))
        fn = sum(t == lab and p != lab for t, p in zip(y_true, y_pred))
        scores[lab] = 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
    return scores


def drop_modality(pipe: Pipeline, prepared: PreparedInput, modality: str) -> PreparedInput | None:
    """The same request without one modality (None when nothing would be left)."""
    feats = dict(prepared.features)
    if modality == "image":
        if prepared.image is None:
            return None
        feats["image_tokens"] = None
        return replace(prepared, image=None, features=feats)
    if modality == "audio":
        if prepared.wave is None:
            return None
        used = prepared.text.strip()
        feats["audio_feats"] = None
        feats["text_tokens"] = pipe.extractor.text([used])[0] if used else None
        out = replace(prepared, wave=None, transcript=None, text_used=used, features=feats, other_hypotheses=(),
                      other_text_tokens=())
    else:  # text
        if not prepared.text.strip():
            return None
        used = (prepared.transcript or "").strip()
        others = prepared.other_hypotheses if used else ()
        tokens = pipe.extractor.text([used, *others]) if used else [None]
        feats["text_tokens"] = tokens[0]
        feats["text_cues"] = None
        out = replace(prepared, text="", text_used=used, features=feats, other_hypotheses=others,
                      other_text_tokens=tuple(tokens[1:]))
    if out.features["text_tokens"] is None and out.image is None and out.wave is None:
        return None
    return out


def evaluate(pipe: Pipeline, manifest: str | Path, fusions=FUSION_ORDER, drop: bool = True,
             limit: int | None = None) -> dict:
    samples = read_manifest(manifest)[:limit] if limit else read_manifest(manifest)
    rows: dict[str, list[dict]] = {f: [] for f in fusions}
    errors = []
    heard: dict[str, list[str]] = {}   # voice rows: the transcripts read, best first (the recogniser's output
    # depends a little on the machine, so a re-run can compare the model on the very words heard here)
    for s in tqdm(samples, desc="evaluate"):
        t0 = time.perf_counter()
        try:
            prepared = pipe.prepare(s.text, s.image, s.audio)
        except InputError as exc:  # counted as wrong, reported
            errors.append({"id": s.id, "error": str(exc)})
            for f in fusions:
                rows[f].append({"id": s.id, "label": s.intent, "intent": None, "confidence": 0.0, "mix": s.mix,
                                "rule": s.rule, "latency_ms": 0.0, "probs": None})
            continue
        shared_ms = (time.perf_counter() - t0) * 1000
        if prepared.transcript is not None:
            heard[s.id] = list(prepared.hypotheses)
        variants = {m: drop_modality(pipe, prepared, m) for m in ("text", "image", "audio")} if drop else {}
        for f in fusions:
            pred = pipe.predict_prepared(prepared, f)
            row = {"id": s.id, "label": s.intent, "intent": pred.intent, "confidence": round(pred.confidence, 4),
                   "mix": s.mix, "rule": s.rule, "latency_ms": shared_ms + pred.timings_ms["fusion"],
                   "probs": [pred.intent_probs[i] for i in INTENTS],
                   "image_kind": pred.image_kind, "image_kind_label": s.image_kind if s.image is not None else None,
                   "tone": pred.tone, "tone_label": s.tone}
            for m, v in variants.items():
                if v is not None:
                    row[f"drop_{m}"] = pipe.predict_prepared(v, f).intent
            rows[f].append(row)
    result = {"manifest": str(manifest), "n": len(samples), "errors": errors, "heard": heard, "strategies": {}}
    for f in fusions:
        result["strategies"][f] = summarize(rows[f], pipe.models[f].num_parameters())
    return result


def summarize(rows: list[dict], parameters: int) -> dict:
    y = [r["label"] for r in rows]
    p = [r["intent"] for r in rows]
    acc = lambda rs: round(float(np.mean([r["intent"] == r["label"] for r in rs])), 4) if rs else None
    f1 = f1_scores(y, p)
    by = lambda key: {k: {"n": sum(r[key] == k for r in rows), "accuracy": acc([r for r in rows if r[key] == k])}
                      for k in sorted({r[key] for r in rows if r[key]})}
    dropped = {}
    for m in ("text", "image", "audio"):
        rs = [r for r in rows if f"drop_{m}" in r]
        if rs:
            dropped[m] = {"n": len(rs), "accuracy": round(float(np.mean([r[f"drop_{m}"] == r["label"] for r in rs])), 4),
                          "accuracy_with_it": acc(rs)}
    scored = [r for r in rows if r["probs"] is not None]
    ece = expected_calibration_error(np.array([r["probs"] for r in scored]),
                                     np.array([INTENTS.index(r["label"]) for r in scored])) if scored else None
    kinds = [r for r in scored if r.get("image_kind_label")]
    acc_of = lambda hits: round(float(np.mean(hits)), 4) if hits else None
    return {
        "accuracy": acc(rows), "macro_f1": round(float(np.mean(list(f1.values()))), 4),
        "per_intent_f1": {k: round(v, 4) for k, v in f1.items()},
        "by_mix": by("mix"), "by_rule": by("rule"), "dropped": dropped,
        "image_kind_accuracy": round(float(np.mean([r["image_kind"] == r["image_kind_label"] for r in kinds])), 4) if kinds else None,
        "tone_accuracy": round(float(np.mean([r["tone"] == r["tone_label"] for r in scored if r["tone_label"] in TONES])), 4) if scored else None,
        "ece": round(ece, 4) if ece is not None else None,
        "latency_ms_p50": round(float(np.median([r["latency_ms"] for r in scored])), 2) if scored else None,
        "parameters": parameters,
        "frustrated_recall": acc_of([r["tone"] == "frustrated" for r in scored if r["tone_label"] == "frustrated"]),
        "predictions": [{"id": r["id"], "intent": r["intent"], "confidence": r["confidence"], "tone": r.get("tone")}
                        for r in rows],
    }


def print_table(result: dict) -> None:
    strategies = result["strategies"]
    print(f"\n{result['n']} samples from {result['manifest']}")
    head = f"{'strategy':<16}{'acc':>7}{'macroF1':>9}{'ECE':>7}{'kind':>7}{'tone':>7}{'p50 ms':>9}{'params':>10}"
    print(head + "\n" + "-" * len(head))
    for f, s in strategies.items():
        print(f"{f:<16}{s['accuracy']:>7.3f}{s['macro_f1']:>9.3f}{(s['ece'] or 0):>7.3f}{(s['image_kind_accuracy'] or 0):>7.3f}"
              f"{(s['tone_accuracy'] or 0):>7.3f}{(s['latency_ms_p50'] or 0):>9.1f}{s['parameters']:>10,}")
    for title, key in (("accuracy by modality mix", "by_mix"), ("accuracy by rule", "by_rule")):
        groups = sorted({g for s in strategies.values() for g in s[key]})
        print(f"\n{title}\n{'strategy':<16}" + "".join(f"{g:>14}" for g in groups))
        for f, s in strategies.items():
            print(f"{f:<16}" + "".join(f"{s[key].get(g, {}).get('accuracy') or 0:>14.3f}" for g in groups))
        print(f"{'(n)':<16}" + "".join(f"{next(iter(strategies.values()))[key].get(g, {}).get('n', 0):>14}" for g in groups))
    print(f"\naccuracy with one modality dropped (on the samples that had it: with -> without)\n{'strategy':<16}"
          + "".join(f"{m:>18}" for m in ("text", "image", "audio")))
    for f, s in strategies.items():
        cells = [f"{s['dropped'][m]['accuracy_with_it']:.3f} -> {s['dropped'][m]['accuracy']:.3f}" if m in s["dropped"] else "-"
                 for m in ("text", "image", "audio")]
        print(f"{f:<16}" + "".join(f"{c:>18}" for c in cells))
    print("\nper-intent F1\n" + f"{'intent':<20}" + "".join(f"{f[:12]:>14}" for f in strategies))
    for i in INTENTS:
        print(f"{i:<20}" + "".join(f"{s['per_intent_f1'][i]:>14.3f}" for s in strategies.values()))
    if result["errors"]:
        print(f"\n{len(result['errors'])} rows refused as bad input, e.g. {result['errors'][0]}")


def export_sample(manifest: str | Path, out_dir: str | Path, per_mix: int = 3, seed: int = 0) -> Path:
    """Copy a few rows of every modality mix (and their media) to `out_dir`, so that a test can re-run the
    shipped checkpoints on rows of the committed evaluation and compare. Audio is stored as FLAC: lossless,
    so the waveform and every prediction stay the same, at about half the size of WAV."""
    import random
    import shutil

    import soundfile as sf

    from .data.manifest import write_manifest

    manifest, out_dir = Path(manifest), Path(out_dir)
    rows = [json.loads(line) for line in manifest.read_text().splitlines() if line.strip()]
    rng = random.Random(seed)
    picked = []
    for mix in sorted({r.get("mix") or "" for r in rows}):
        group = [r for r in rows if (r.get("mix") or "") == mix]
        picked += rng.sample(group, min(per_mix, len(group)))
    picked.sort(key=lambda r: r["id"])
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "media").mkdir(parents=True)
    out_rows = []
    for r in picked:
        r = {k: v for k, v in r.items() if k not in ("image_meta", "tts")}
        if r.get("image"):
            dst = f"media/{r['id']}{Path(r['image']).suffix}"
            shutil.copyfile(manifest.parent / r["image"], out_dir / dst)
            r["image"] = dst
        if r.get("audio"):
            samples, rate = sf.read(manifest.parent / r["audio"], dtype="int16")
            dst = f"media/{r['id']}.flac"
            sf.write(out_dir / dst, samples, rate, subtype="PCM_16")
            r["audio"] = dst
        out_rows.append(r)
    path = out_dir / "manifest.jsonl"
    write_manifest(path, out_rows)
    return path


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m mmdemo.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("--manifest", required=True, type=Path)
    ap.add_argument("--fusion", default="all", choices=[*FUSION_ORDER, "all"])
    ap.add_argument("--checkpoints", default=None, type=Path)
    ap.add_argument("--json", default=None, type=Path, help="write the results here")
    ap.add_argument("--limit", default=None, type=int, help="only the first N rows")
    ap.add_argument("--no-drop", action="store_true", help="skip the modality-dropped runs")
    ap.add_argument("--sample-out", default=None, type=Path,
                    help="also copy a few rows per modality mix (with media) here, e.g. assets/eval/sample")
    ap.add_argument("--sample-per-mix", default=3, type=int)
    ap.add_argument("--asr-hypotheses", default=None, type=int,
                    help="transcripts read per voice clip (default: the app's, asr.SERVING_HYPOTHESES; 1 = greedy)")
    args = ap.parse_args(argv)
    fusions = FUSION_ORDER if args.fusion == "all" else (args.fusion,)
    kwargs = {"checkpoints": args.checkpoints} if args.checkpoints else {}
    if args.asr_hypotheses is not None:
        kwargs["asr_hypotheses"] = args.asr_hypotheses
    pipe = Pipeline.load(fusions=fusions, **kwargs)
    result = evaluate(pipe, args.manifest, fusions, drop=not args.no_drop, limit=args.limit)
    print_table(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1))
        print(f"\nwrote {args.json}")
    if args.sample_out:
        print(f"wrote {export_sample(args.manifest, args.sample_out, args.sample_per_mix)}")
    return result


if __name__ == "__main__":
    main()
