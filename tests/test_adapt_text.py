"""Adapting the text encoder (mmdemo.adapt_text): what the words are trained to tell, and a real short run."""
import json

import torch

from mmdemo.adapt_text import TEXT_ROLES, adapt, text_examples
from mmdemo.data.manifest import read_manifest
from mmdemo.encoders import TextEncoder, adapter_fingerprint
from mmdemo.features import text_input
from mmdemo.schema import INTENTS


def test_roles_come_from_the_rules(tiny_data):
    manifest = tiny_data / "train" / "manifest.jsonl"
    samples = [s for s in read_manifest(manifest) if text_input(s.text, s.transcript)]
    examples = text_examples(manifest)
    assert examples and len(examples) == len(samples)
    assert TEXT_ROLES[:len(INTENTS)] == INTENTS
    for e, s in zip(examples, samples):
        assert e["text"] == text_input(s.text, s.transcript)
        role = TEXT_ROLES[e["role"]]
        if s.rule == "R1":
            assert role == "points_at_attachment"
        elif s.rule == "R3":
            assert role == "shows_what_arrived"
        else:
            assert role == s.intent


def test_train_samples_keeps_the_first_rows(tiny_data):
    """--train-samples N reads the manifest's first N rows: the shipped adapter saw the first 4,000 of 16,000."""
    manifest = tiny_data / "train" / "manifest.jsonl"
    rows = read_manifest(manifest)
    first = [t for t in (text_input(s.text, s.transcript) for s in rows[:5]) if t]
    assert [e["text"] for e in text_examples(manifest, limit=5)] == first
    assert len(text_examples(manifest, limit=None)) == len(text_examples(manifest))


def test_a_short_adaptation_writes_an_adapter_the_encoder_loads(tiny_data, tmp_path, one_thread):
    train = text_examples(tiny_data / "train" / "manifest.jsonl")
    val = text_examples(tiny_data / "val" / "manifest.jsonl")
    out = tmp_path / "adapter"
    log = adapt(train, val, out, epochs=2, rank=2, batch_size=8, max_steps=6)
    assert (out / "adapter.safetensors").exists() and json.loads((out / "adapter.json").read_text())["rank"] == 2
    assert log["fingerprint"] == adapter_fingerprint(out) and 1 <= log["best_epoch"] <= 2
    assert log["adapter_parameters"] == 6 * 2 * (4 * (384 + 384) + 2 * (384 + 1536))
    batch = TextEncoder().tokenize(["I was charged twice"])
    with torch.no_grad():
        changed = TextEncoder(adapter=out)(**batch) - TextEncoder()(**batch)
    assert changed.abs().max() > 0


def test_address_copies_keep_their_labels_and_spell_out_an_address(tiny_data):
    import re

    from mmdemo.adapt_text import with_addresses

    examples = text_examples(tiny_data / "train" / "manifest.jsonl")
    grown = with_addresses(examples, seed=1, p_other=1.0)
    assert grown[:len(examples)] == examples
    copies = grown[len(examples):]
    change = TEXT_ROLES.index("change_address")
    typed_change = [e for e in examples if e["role"] == change and e["mix"] in ("text", "text+image")]
    assert sum(e["role"] == change for e in copies) == len(typed_change)
    for e in copies:
        assert e["mix"] in ("text", "text+image") and e["augmented"] == "address"
        assert re.search(r"\d+ [A-Z][a-z]+( [A-Z][a-z]+)?, [A-Z]", e["text"]), e["text"]
        assert TEXT_ROLES[e["role"]] not in ("greeting", "out_of_scope", "points_at_attachment", "shows_what_arrived")


def test_anchor_keeps_sentence_vectors_nearer_plain_minilm(tiny_data, tmp_path, one_thread):
    """--anchor (off by default): the adapted encoder's sentence vectors stay nearer plain MiniLM's than without."""
    from mmdemo.adapt_text import SentenceClassifier, plain_sentence_vectors

    train = text_examples(tiny_data / "train" / "manifest.jsonl")
    texts = [e["text"] for e in train]
    plain = plain_sentence_vectors(texts)
    nearness = {}
    for anchor in (0.0, 10.0):
        out = tmp_path / f"adapter-{anchor}"
        log = adapt(train, train[:8], out, epochs=8, rank=2, lr=1e-2, batch_size=8, max_steps=40, anchor=anchor)
        assert log["anchor"] == anchor
        model = SentenceClassifier(TextEncoder(adapter=out)).eval()
        with torch.no_grad():
            adapted = model.pooled(texts)
        target = torch.stack([plain[t] for t in texts])
        nearness[anchor] = float(torch.nn.functional.cosine_similarity(adapted, target, dim=-1).mean())
    assert nearness[10.0] > nearness[0.0]
    assert nearness[0.0] < 0.999   # the plain run did move away: the comparison means something
