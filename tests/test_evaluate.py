"""The evaluator runs the app's pipeline on a manifest and writes the documented JSON."""
import json

import pytest

from mmdemo.evaluate import main as evaluate_main
from mmdemo.schema import INTENTS


def test_evaluator_on_tiny_manifest(tiny_data, tiny_checkpoints, tmp_path, capsys):
    out = tmp_path / "eval.json"
    result = evaluate_main(["--manifest", str(tiny_data / "test" / "manifest.jsonl"), "--fusion", "all",
                            "--checkpoints", str(tiny_checkpoints), "--json", str(out)])
    written = json.loads(out.read_text())
    assert written["n"] == result["n"] > 0
    assert set(written["strategies"]) == {"early", "late", "cross_attention", "attention"}
    for s in written["strategies"].values():
        assert 0.0 <= s["accuracy"] <= 1.0 and 0.0 <= s["macro_f1"] <= 1.0 and s["latency_ms_p50"] > 0
        assert len(s["predictions"]) == written["n"]
        assert all(p["intent"] in INTENTS for p in s["predictions"] if p["intent"])
        assert set(s["per_intent_f1"]) == set(INTENTS)
    assert "accuracy by modality mix" in capsys.readouterr().out


def test_shipped_checkpoints_reproduce_the_committed_evaluation():
    """Rows of the held-out test split, shipped in assets/eval/sample (media included), run through the
    committed checkpoints with the app's pipeline (ASR included) give the predictions recorded in
    assets/eval/test_results.json: the numbers in the README come from these very checkpoints."""
    from pathlib import Path

    assets = Path(__file__).resolve().parent.parent / "assets"
    recorded = json.loads((assets / "eval" / "test_results.json").read_text())
    sample = assets / "eval" / "sample" / "manifest.jsonl"
    result = evaluate_main(["--manifest", str(sample), "--fusion", "all", "--no-drop"])
    rows = [json.loads(line) for line in sample.read_text().splitlines()]
    assert result["n"] == len(rows) >= 12 and {r["mix"] for r in rows} >= {"text", "text+image", "audio"}
    for fusion, strategy in result["strategies"].items():
        before = {p["id"]: p for p in recorded["strategies"][fusion]["predictions"]}
        for now in strategy["predictions"]:
            then = before[now["id"]]
            assert (now["intent"], now["tone"]) == (then["intent"], then["tone"]), (fusion, now, then)
            assert abs(now["confidence"] - then["confidence"]) < 2e-3, (fusion, now, then)


def test_the_realistic_requests_are_a_balanced_set_of_typed_messages():
    """assets/eval/realistic: 280 typed requests written apart from the data (20 per intent, their writers shown
    only the intent definitions), short chat lines and long messages, each labelled with intent and tone."""
    from collections import Counter
    from pathlib import Path

    from mmdemo.data.manifest import read_manifest
    from mmdemo.schema import TONES

    path = Path(__file__).resolve().parent.parent / "assets" / "eval" / "realistic" / "manifest.jsonl"
    samples = read_manifest(path)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert Counter(s.intent for s in samples) == {intent: 20 for intent in INTENTS}
    assert all(s.tone in TONES and s.text and s.image is None and s.audio is None for s in samples)
    assert len({s.text for s in samples}) == len({s.id for s in samples}) == 280
    assert Counter(r["style"] for r in rows) == {"chat": 140, "long": 140}


def test_the_blind_tone_set_is_balanced_in_intent_and_tone():
    """assets/eval/tone: 252 typed messages written for the tone question by a writer shown only the intent and
    tone definitions (18 per intent, half of each frustrated), after the realistic set and apart from the data."""
    from collections import Counter
    from pathlib import Path

    from mmdemo.data.manifest import read_manifest

    path = Path(__file__).resolve().parent.parent / "assets" / "eval" / "tone" / "manifest.jsonl"
    samples = read_manifest(path)
    assert Counter((s.intent, s.tone) for s in samples) == {(i, t): 9 for i in INTENTS for t in ("calm", "frustrated")}
    assert all(s.text and s.image is None and s.audio is None for s in samples)
    assert len({s.text for s in samples}) == len({s.id for s in samples}) == 252


@pytest.mark.parametrize("name, results, n", [("realistic", "realistic_results.json", 280),
                                              ("tone", "tone_results.json", 252)])
def test_shipped_checkpoints_reproduce_the_committed_typed_set_results(name, results, n):
    """The figures quoted for the typed sets (assets/eval/realistic_results.json, tone_results.json) are what the
    committed checkpoints answer now, every row and every strategy, intent and tone."""
    from pathlib import Path

    assets = Path(__file__).resolve().parent.parent / "assets" / "eval"
    recorded = json.loads((assets / results).read_text())
    result = evaluate_main(["--manifest", str(assets / name / "manifest.jsonl"), "--fusion", "all", "--no-drop"])
    assert result["n"] == recorded["n"] == n
    for fusion, strategy in result["strategies"].items():
        then_strategy = recorded["strategies"][fusion]
        assert strategy["accuracy"] == then_strategy["accuracy"]
        assert strategy["tone_accuracy"] == then_strategy["tone_accuracy"]
        before = {p["id"]: p for p in then_strategy["predictions"]}
        for now in strategy["predictions"]:
            then = before[now["id"]]
            assert (now["intent"], now["tone"]) == (then["intent"], then["tone"]), (fusion, now, then)
            assert abs(now["confidence"] - then["confidence"]) < 2e-3, (fusion, now, then)
