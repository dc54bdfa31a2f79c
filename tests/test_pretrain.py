"""Pretraining: masking happens at the input ids, each objective learns on tiny data, and the saved backbone is
what `train --init` fine-tunes."""
import json
import random

import pytest
import torch

from mmdemo import pretrain as pre
from mmdemo.configs import MODEL_CONFIGS, ModelConfig
from mmdemo.features import build_feature_cache
from mmdemo.model import MultimodalModel

from conftest import TINY_CONFIG as TINY


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def pool(tiny_data):
    items = build_feature_cache(tiny_data / "train" / "manifest.jsonl", cache_dir=tiny_data / "cache")
    return pre.withhold_labels(items)


@pytest.fixture(scope="module")
def mlm(pool, tiny_data):
    return pre.build_mlm_cache(pool, tiny_data / "cache")


def test_pool_has_no_labels(pool):
    assert pool and all(set(it) == set(pre.UNLABELLED_KEYS) for it in pool)


def test_masking_is_at_the_input_ids():
    rng = random.Random(0)
    ids = [101] + list(range(2000, 2040)) + [102]
    masked, pos = pre.mask_ids(ids, rng, special={101, 102}, mask_id=103, vocab_size=30522, prob=0.15)
    assert len(masked) == len(ids) and 0 not in pos and len(ids) - 1 not in pos
    assert len(pos) == round(0.15 * 40)
    assert all(masked[i] == ids[i] for i in range(len(ids)) if i not in pos)
    assert sum(masked[p] == 103 for p in pos) >= 1
    _, pos = pre.mask_ids([101, 2000, 102], rng, {101, 102}, 103, 30522)
    assert pos == [1]   # at least one word piece, even in a one-word text


def test_mlm_cache_holds_states_of_the_masked_text(pool, mlm):
    """The cached variant is MiniLM's output for the masked ids: the masked word's state differs from the
    unmasked one (masking the frozen encoder's output instead would leak it through the neighbours)."""
    item = next(it for it in pool if it["id"] in mlm["variants"])
    variant = mlm["variants"][item["id"]][0]
    assert variant["tokens"].shape == item["text_tokens"].shape
    p = int(variant["pos"][0])
    assert not torch.allclose(variant["tokens"][p].float(), item["text_tokens"][p].float(), atol=1e-2)
    assert set(variant["target"].tolist()) <= set(mlm["vocab"])


def test_each_objective_loss_goes_down(pool, mlm):
    """60 full-batch steps: image-text matching learns slowest (after 20 steps its loss was 0.96-0.98 of its start,
    depending on a few transcripts of the tiny build; after 60, 0.91-0.93), the other two far faster."""
    torch.manual_seed(0)
    config = ModelConfig.from_dict({**MODEL_CONFIGS["attention"].to_dict(), **json.loads(TINY)})
    model = MultimodalModel(config)
    heads = pre.PretrainingHeads(config.d_model, mlm["vocab"], mlm["tokenizer_size"], config.image_dim)
    heads.set_feature_stats([it["image_tokens"] for it in pool if it["image_tokens"] is not None])
    pm = pre.PretrainModel(model, heads)
    before = pre.evaluate_pretraining(pm, pool, mlm["variants"])
    dataset = pre.PretrainDataset(pool, mlm["variants"], seed=0)
    optimizer = torch.optim.AdamW(pm.parameters(), lr=3e-3)
    gen = torch.Generator().manual_seed(0)
    pm.train()
    for step in range(60):
        dataset.epoch = step
        out = pm(pre.collate_pretrain([dataset[i] for i in range(len(dataset))]), generator=gen)
        optimizer.zero_grad()
        out["loss"].backward()
        optimizer.step()
    after = pre.evaluate_pretraining(pm, pool, mlm["variants"])
    for k in ("val_mlm", "val_itm", "val_mrm"):
        assert after[k] < before[k] * 0.97, (k, before[k], after[k])


def test_pretrained_backbone_loads_into_train_init(tiny_data, tmp_path):
    from safetensors.torch import load_file

    from mmdemo.train import main as train_main

    common = ["--data", str(tiny_data), "--cache-dir", str(tiny_data / "cache"), "--batch-size", "16"]
    log = pre.main([*common, "--out", str(tmp_path / "pre"), "--max-steps", "3", "--epochs", "3", "--config", TINY])
    folder = tmp_path / "pre" / "attention"
    assert log["total_steps"] == 3 and log["steps"] and len(log["epochs"]) >= 2
    for name in ("config.json", "model.safetensors", pre.HEADS_NAME, pre.LOG_NAME):
        assert (folder / name).exists(), name
    keys = load_file(str(folder / "model.safetensors")).keys()
    assert not any("mlm" in k or "mrm" in k or "itm" in k for k in keys)   # the heads are not in the backbone
    backbone = MultimodalModel.from_pretrained(folder)
    assert backbone.config.fusion == "attention" and backbone.config.d_model == 32

    [ft] = train_main(["--fusion", "attention", *common, "--init", str(folder), "--out", str(tmp_path / "ft"),
                       "--epochs", "1", "--max-steps", "2", "--lr", "1e-9"])
    tuned = MultimodalModel.from_pretrained(tmp_path / "ft" / "attention")
    # with a negligible learning rate the fine-tuned backbone is the pretrained one
    for name, p in backbone.named_parameters():
        if not name.endswith("_head.3.weight") and "head" not in name:
            assert torch.allclose(p, dict(tuned.named_parameters())[name], atol=1e-5), name
    assert ft["steps"]


def test_batches_without_targets_give_zero_losses(pool, mlm):
    """A batch with nothing to match or reconstruct (text only) or nothing to predict (no text) still runs, with
    zero losses that keep every head in the graph (needed under DistributedDataParallel)."""
    config = ModelConfig.from_dict({**MODEL_CONFIGS["attention"].to_dict(), **json.loads(TINY)})
    heads = pre.PretrainingHeads(config.d_model, mlm["vocab"], mlm["tokenizer_size"], config.image_dim)
    pm = pre.PretrainModel(MultimodalModel(config), heads)
    dataset = pre.PretrainDataset(pool, mlm["variants"], seed=0)
    text_only = [dataset[i] for i, it in enumerate(pool) if it["image_tokens"] is None and it["audio_feats"] is None]
    out = pm(pre.collate_pretrain(text_only[:4]))
    value = lambda k: float(out[k].detach())
    assert value("itm") == 0.0 and value("mrm") == 0.0 and value("mlm") > 0
    no_text = [{**dataset[i], "text_tokens": None, "mlm": None} for i, it in enumerate(pool) if it["image_tokens"] is not None]
    out = pm(pre.collate_pretrain(no_text[:4]))
    assert value("mlm") == 0.0 and value("itm") == 0.0 and value("mrm") > 0
    out["loss"].backward()
    assert all(p.grad is not None for p in heads.parameters())
