"""The Training tab builds; the live control trains a private copy and stops at its step and time caps."""
import json
import time

import gradio as gr
import pytest
import torch

from mmdemo import experiments
from mmdemo.features import build_feature_cache
from mmdemo.model import MultimodalModel
from mmdemo.ui_training import LiveTrainer, build_training_tab, fusion_curves_figure, head_parameters


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def live_subset(tiny_data, tiny_checkpoints, tmp_path_factory):
    cache, (adapter, image_top) = tiny_data / "cache", experiments.checkpoints_encoders(tiny_checkpoints)
    # the features the checkpoints were trained on: the adapted text encoder's and the fine-tuned image top's
    assert adapter is not None and image_top is not None
    train = build_feature_cache(tiny_data / "train" / "manifest.jsonl", cache_dir=cache, text_adapter=adapter,
                                image_top=image_top)
    val = build_feature_cache(tiny_data / "val" / "manifest.jsonl", cache_dir=cache, text_adapter=adapter,
                              image_top=image_top)
    path = experiments.build_live_subset(tiny_checkpoints, train, val, tmp_path_factory.mktemp("live") / "live.pt")
    assert path.stat().st_size < 5 * 2**20
    return path


def _result() -> dict:
    runs = [{"name": f"{i}-{e}-{f:g}", "init": i, "encoders": e, "fraction": f, "labelled_samples": int(4000 * f),
             "test_accuracy": 0.5 + f / 3, "loss_curve": [[1, 2.0], [2, 1.5]], "val_curve": [[2, 0.4]]}
            for i in ("none", "pretrained") for e in ("frozen", "top2") for f in (0.01, 1.0)]
    return {"runs": runs, "test_samples": 10, "train_samples": 40, "protocol": {"finetune_fractions": [1.0]},
            "pretraining": {"steps": 3}}


def test_training_tab_builds_with_api_names(tiny_checkpoints, live_subset, tmp_path):
    (tmp_path / "label_efficiency.json").write_text(json.dumps(_result()))
    (tmp_path / "pretraining_log.json").write_text(json.dumps(
        {"steps": [{"step": 1, "loss": 3, "mlm": 2, "itm": 0.7, "mrm": 0.3}],
         "epochs": [{"epoch": 0, "step": 0, "val_mlm": 2, "val_mlm_accuracy": 0.1, "val_itm": 0.7,
                     "val_itm_accuracy": 0.5, "val_mrm": 0.3}]}))
    with gr.Blocks() as demo:
        with gr.Tab("Training"):
            ns = build_training_tab(tiny_checkpoints, tmp_path, live_subset)
    fns = {fn.api_name: fn for fn in demo.fns.values()}
    assert {"training_curves", "training_runs", "train_live"} <= set(fns)
    assert fns["train_live"].concurrency_limit == 1 and fns["train_live"].concurrency_id == "training_live"
    assert len(ns.le_table.value["data"]) == 4
    # the handler streams figures and ends with the private copy in the visitor's state
    outputs = list(ns.train_live("early", 0.5, 30, "fresh", None))
    assert len(outputs) >= 2   # at least one live update before the final one
    figure, status, state = outputs[-1]
    assert "30 steps" in status and isinstance(state["model"], MultimodalModel)


def test_fusion_curves_say_when_the_accuracy_is_of_averaged_weights():
    log = {"steps": [{"step": 1, "loss": 2.0}, {"step": 2, "loss": 1.0}],
           "epochs": [{"epoch": 1, "step": 2, "val_accuracy": 0.5, "train_loss": 1.5}]}
    titles = lambda fig: [a.text for a in fig.layout.annotations]
    assert "validation accuracy" in titles(fusion_curves_figure({"early": log}))
    assert "validation accuracy (averaged weights)" in titles(fusion_curves_figure({"early": {**log, "ema": 0.995}}))


def test_training_tab_builds_without_any_results(tmp_path):
    with gr.Blocks():
        ns = build_training_tab(tmp_path / "no_checkpoints", tmp_path / "no_training")
    outputs = list(ns.train_live("attention", 0.5, 30, "fresh", None))
    assert len(outputs) == 1 and "unavailable" in outputs[0][1].lower()


def test_live_run_stops_at_the_step_cap_and_keeps_the_committed_model(tiny_checkpoints, live_subset):
    trainer = LiveTrainer(tiny_checkpoints, live_subset)
    committed = [p.detach().clone() for p in head_parameters(trainer.committed("attention"))]
    progress = list(trainer.run("attention", 1.0, steps=5000, step_cap=60))
    final = progress[-1]
    assert final["done"] and final["step"] == 60 and final["stopped_by"] == "steps"
    assert all(not p["done"] for p in progress[:-1]) and len(progress) > 5      # it streamed
    assert [s for s, _ in final["losses"]] == list(range(1, 61))
    after = head_parameters(trainer.committed("attention"))
    assert all(torch.equal(a, b) for a, b in zip(committed, after))              # the shared model is untouched
    assert not all(torch.equal(a, b) for a, b in zip(committed, head_parameters(final["model"])))


def test_live_run_stops_at_the_time_cap(tiny_checkpoints, live_subset):
    trainer = LiveTrainer(tiny_checkpoints, live_subset)
    t0 = time.perf_counter()
    final = list(trainer.run("late", 0.5, steps=10**9, step_cap=10**9, time_limit_s=0.5))[-1]
    assert final["stopped_by"] == "time" and final["step"] > 0
    assert time.perf_counter() - t0 < 5.0


def test_stale_live_subset_is_reported(tiny_checkpoints, live_subset, tmp_path):
    data = torch.load(live_subset, weights_only=False)
    data["fusions"]["early"]["fingerprint"] = "0" * 16
    torch.save(data, tmp_path / "stale.pt")
    available = LiveTrainer(tiny_checkpoints, tmp_path / "stale.pt").available()
    assert "live-subset" in available["early"] and available["late"] == ""


def test_live_runs_train_a_tone_head_that_reads_the_words(tiny_data, tiny_checkpoints, tmp_path):
    """Checkpoints refitted by adapt_tone (tone_reads_text): the live subset stores what their tone head reads
    beyond the fused vector, and a live run trains it, for a fusion with an intent head and for late fusion."""
    import shutil

    from mmdemo.adapt_tone import reading_model, with_cues

    ckpt = tmp_path / "ckpt"
    shutil.copytree(tiny_checkpoints, ckpt)
    for fusion in ("attention", "late"):
        reading_model(MultimodalModel.from_pretrained(ckpt / fusion)).save_pretrained(ckpt / fusion)
    adapter, image_top = experiments.checkpoints_encoders(ckpt)
    manifest = lambda split: tiny_data / split / "manifest.jsonl"
    load = lambda split: with_cues(build_feature_cache(manifest(split), cache_dir=tiny_data / "cache",
                                                       text_adapter=adapter, image_top=image_top), manifest(split))
    subset = experiments.build_live_subset(ckpt, load("train"), load("val"), tmp_path / "live.pt")
    data = torch.load(subset, weights_only=False)
    assert data["fusions"]["attention"]["train"]["text_mean"].shape[-1] == 384
    assert "text_mean" not in data["fusions"]["early"]["train"]
    trainer = LiveTrainer(ckpt, subset)
    for fusion in ("attention", "late"):
        assert trainer.available()[fusion] == ""
        committed = trainer.committed(fusion)
        final = list(trainer.run(fusion, 1.0, steps=30, step_cap=30))[-1]
        assert final["done"] and final["step"] == 30
        assert not torch.equal(final["model"].tone_text_norm.weight, committed.tone_text_norm.weight)
