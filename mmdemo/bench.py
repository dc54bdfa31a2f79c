"""Latency and memory benchmark: `python -m mmdemo.bench [--repeats 30] [--json benchmarks/results/bench.json]`.

Measures what a visitor feels on this machine: model load time, peak resident memory, and end-to-end latency
(decode + ASR + encoders + fusion) per strategy for three request kinds: text, text+image (phone-size photos,
one a 12-megapixel JPEG) and a 5-second voice message with an image. Prints a table and writes JSON.
Run it on an otherwise idle machine; its numbers are what the README quotes.
"""
from __future__ import annotations

import argparse
import io
import json
import platform
import random
import resource
import time
from pathlib import Path

import numpy as np

GOALS = {"text+image_p50_ms": 60.0, "voice+image_p50_ms": 1000.0, "load_s": 10.0, "peak_rss_gb": 2.5}
TEXTS = ["where is my parcel? it was due on monday", "I was charged twice for order A-20931",
         "how do I reset my password", "can I return the shoes, they don't fit", "hello!",
         "my kettle arrived with a cracked lid", "do you have the blue one in stock?"]


def _bench_images(tmp: Path) -> list[Path]:
    from .data.images import render_image

    paths = []
    for i, kind in enumerate(["receipt", "parcel", "damaged_product", "error_screen"]):
        img, _ = render_image(kind, random.Random(1000 + i), held_out=True)
        if i == 0:  # a 12-megapixel phone photo (4000x3000), the size a modern phone uploads
            img = img.resize((4000, 3000))
        path = tmp / f"bench_{i}.jpg"
        img.save(path, quality=90)
        paths.append(path)
    return paths


def _bench_voice(tmp: Path) -> Path:
    """A 5-second voice message spoken by espeak-ng."""
    import soundfile as sf

    from .data.speech import SAMPLE_RATE, synthesize

    wave, _ = synthesize("Hello, I ordered a desk lamp last week and it arrived broken, the shade is cracked. "
                         "What can I do?", random.Random(7), held_out=False, tone="calm")
    wave = np.pad(wave, (0, max(0, 5 * SAMPLE_RATE - len(wave))))[: 5 * SAMPLE_RATE]
    path = tmp / "bench_voice_5s.wav"
    sf.write(path, wave, SAMPLE_RATE)
    return path


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def run(repeats: int, out: Path) -> dict:
    t0 = time.perf_counter()
    from .inference import FUSION_ORDER, Pipeline

    pipe = Pipeline.load()
    pipe.asr  # noqa: B018 - the ASR model belongs to the load time
    load_s = time.perf_counter() - t0
    tmp = out.parent / "bench_inputs"
    tmp.mkdir(parents=True, exist_ok=True)
    images, voice = _bench_images(tmp), _bench_voice(tmp)
    pipe.warm_up()
    cases = {
        "text": lambda i: dict(text=TEXTS[i % len(TEXTS)]),
        "text+image": lambda i: dict(text=TEXTS[i % len(TEXTS)], image=images[i % len(images)]),
        "voice+image": lambda i: dict(audio=voice, image=images[1 + i % (len(images) - 1)]),
    }
    results: dict[str, dict[str, dict]] = {}
    for case, make in cases.items():
        n = repeats if case != "voice+image" else max(5, repeats // 3)
        for fusion in FUSION_ORDER:
            times = []
            for i in range(n):
                t = time.perf_counter()
                pipe.predict(fusion=fusion, **make(i))
                times.append((time.perf_counter() - t) * 1000)
            results.setdefault(case, {})[fusion] = {"n": n, "p50_ms": round(float(np.percentile(times, 50)), 1),
                                                    "p95_ms": round(float(np.percentile(times, 95)), 1)}
    big = []  # the 12 MP photo alone, attention fusion
    for _ in range(max(5, repeats // 3)):
        t = time.perf_counter()
        pipe.predict(text=TEXTS[0], image=images[0], fusion="attention")
        big.append((time.perf_counter() - t) * 1000)
    report = {
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(),
                    "torch_threads": __import__("torch").get_num_threads()},
        "load_s": round(load_s, 2), "peak_rss_gb": round(peak_rss_gb(), 3), "latency": results,
        "text+12MP_jpeg_attention_p50_ms": round(float(np.median(big)), 1), "goals": GOALS,
    }
    att = results["text+image"]["attention"]["p50_ms"], results["voice+image"]["attention"]["p50_ms"]
    report["goals_met"] = {"text+image_p50_ms": att[0] <= GOALS["text+image_p50_ms"],
                           "voice+image_p50_ms": att[1] <= GOALS["voice+image_p50_ms"],
                           "load_s": load_s <= GOALS["load_s"], "peak_rss_gb": report["peak_rss_gb"] <= GOALS["peak_rss_gb"]}
    return report


def print_report(r: dict) -> None:
    print(f"\nload {r['load_s']:.2f} s   peak RSS {r['peak_rss_gb']:.2f} GB   ({r['machine']['cpus']} CPUs)")
    head = f"{'request':<14}{'strategy':<17}{'n':>4}{'p50 ms':>10}{'p95 ms':>10}"
    print(head + "\n" + "-" * len(head))
    for case, per in r["latency"].items():
        for fusion, s in per.items():
            print(f"{case:<14}{fusion:<17}{s['n']:>4}{s['p50_ms']:>10.1f}{s['p95_ms']:>10.1f}")
    print(f"12 MP JPEG + text, attention: p50 {r['text+12MP_jpeg_attention_p50_ms']:.1f} ms")
    print("goals: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in r["goals_met"].items()))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m mmdemo.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", default=30, type=int)
    ap.add_argument("--json", default=Path("benchmarks/results/bench.json"), type=Path)
    args = ap.parse_args(argv)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    report = run(args.repeats, args.json)
    print_report(report)
    args.json.write_text(json.dumps(report, indent=1))
    print(f"wrote {args.json}")
    return report


if __name__ == "__main__":
    main()
