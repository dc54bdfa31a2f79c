"""Pipeline.predict(): the one entry point used by the app, evaluator and benchmark."""
import math

import numpy as np
import pytest
from PIL import Image

from mmdemo.inference import FUSION_ORDER, Pipeline
from mmdemo.media import InputError
from mmdemo.schema import INTENTS, TONES


@pytest.fixture(scope="module")
def pipe(tiny_checkpoints):
    return Pipeline.load(tiny_checkpoints)


@pytest.fixture(scope="module")
def sample_paths(tiny_data):
    from mmdemo.data.manifest import read_manifest
    rows = read_manifest(tiny_data / "test" / "manifest.jsonl") + read_manifest(tiny_data / "train" / "manifest.jsonl")
    return next(r.image for r in rows if r.image), next(r.audio for r in rows if r.audio)


@pytest.mark.parametrize("fusion", FUSION_ORDER)
def test_every_mix_predicts_a_calibrated_distribution(pipe, sample_paths, fusion):
    image, audio = sample_paths
    for kwargs in ({"text": "where is my parcel"}, {"image": image}, {"audio": audio},
                   {"text": "see attached", "image": image}, {"audio": audio, "image": image}):
        pred = pipe.predict(fusion=fusion, **kwargs)
        assert pred.intent in INTENTS and pred.tone in TONES
        assert math.isclose(sum(pred.intent_probs.values()), 1.0, rel_tol=1e-4)
        assert pred.confidence == max(pred.intent_probs.values())
        assert (pred.image_kind is None) == ("image" not in kwargs)
        assert (pred.transcript is None) == ("audio" not in kwargs)
        assert pred.latency_ms > 0 and pred.fusion == fusion


class TwoHypotheses:
    """A recogniser that offers two transcripts, as faster-whisper's beam does."""
    name = "two hypotheses"

    def __init__(self, texts):
        self.texts = list(texts)

    def hypotheses(self, wave):
        return list(self.texts)

    def transcribe(self, wave):
        return self.texts[0]


@pytest.mark.parametrize("fusion", FUSION_ORDER)
def test_a_voice_message_is_answered_with_the_mean_over_its_transcripts(tiny_checkpoints, sample_paths, fusion):
    """The answer to a voice message is the mean of the answers to each transcript the recogniser offers
    (computed here one transcript at a time); the transcript shown is the best one."""
    image, audio = sample_paths
    texts = ("where is my order", "I want my money back for this")
    pipe = Pipeline.load(tiny_checkpoints, fusions=(fusion,), asr=TwoHypotheses(texts))
    pred = pipe.predict(text="hello", image=image, audio=audio, fusion=fusion)
    assert pred.transcript == texts[0] and pred.other_hypotheses == texts[1:]
    alone = [pipe.predict_prepared(pipe.prepare("hello", image, audio, transcript=t), fusion) for t in texts]
    for intent, p in pred.intent_probs.items():
        assert math.isclose(p, sum(a.intent_probs[intent] for a in alone) / 2, rel_tol=1e-4, abs_tol=1e-6)
    for tone, p in pred.tone_probs.items():
        assert math.isclose(p, sum(a.tone_probs[tone] for a in alone) / 2, rel_tol=1e-4, abs_tol=1e-6)
    again = pipe.predict_prepared(pipe.prepare("hello", image, audio, transcript=texts[0],
                                               other_hypotheses=texts[1:]), fusion)
    assert again.intent_probs == pytest.approx(pred.intent_probs, abs=1e-6)   # a stored turn, re-run


def test_the_attention_tab_explains_the_answer_given_over_several_transcripts(tiny_checkpoints, sample_paths):
    """Its maps show the best transcript's words; the intent it explains is the one answered (the mean)."""
    from mmdemo.explain import explain_prepared

    image, audio = sample_paths
    pipe = Pipeline.load(tiny_checkpoints, fusions=("attention", "cross_attention"),
                         asr=TwoHypotheses(("where is my order", "I want my money back for this")))
    prepared = pipe.prepare("", image, audio)
    explained = explain_prepared(pipe, prepared)
    answered = pipe.predict_prepared(prepared, "attention")
    assert (explained.intent, explained.confidence) == (answered.intent, pytest.approx(answered.confidence))
    assert explained.cross_intent == pipe.predict_prepared(prepared, "cross_attention").intent
    assert any("2 transcripts" in note for note in explained.notes)
    assert "order" in explained.tokens and "money" not in explained.tokens


def test_explain_returns_attention_for_every_layer_and_head(pipe, sample_paths):
    image, audio = sample_paths
    pred = pipe.predict(text="my mug arrived cracked", image=image, audio=audio, fusion="attention", explain=True)
    ex = pred.explanation
    n = len(ex.tokens)
    assert ex.attentions and all(a.shape[-2:] == (n, n) for a in ex.attentions)
    np.testing.assert_allclose(ex.attentions[0].sum(-1), 1.0, atol=1e-4)
    assert set(ex.segments) >= {"cls", "text", "image", "audio"} and ex.image is not None
    cross = pipe.predict(text="my mug arrived cracked", image=image, fusion="cross_attention", explain=True)
    assert "text->image" in cross.explanation.cross_attentions


def test_the_word_labels_show_where_a_long_text_was_cut(pipe):
    """A long message reaches the model as its start and its end; the label of the first word after the gap
    says so, and a text that fits is labelled as it is."""
    from mmdemo.encoders import TEXT_HEAD_PIECES

    story = "We moved house in March and the boxes are still everywhere, so I lost track of things. " * 3
    long = pipe.predict(text=story + "Could you cancel order A-20931?", fusion="attention", explain=True)
    words = [t for t, seg in zip(long.explanation.tokens, _segment_names(long.explanation)) if seg == "text"]
    marked = [i for i, w in enumerate(words) if w.startswith("…")]
    assert marked == [TEXT_HEAD_PIECES] and words[0] == "[CLS]" and words[-1] == "[SEP]" and "cancel" in words
    short = pipe.predict(text="could you cancel my order?", fusion="attention", explain=True)
    assert not any(t.startswith("…") for t in short.explanation.tokens)


def _segment_names(explanation) -> list[str]:
    names = [""] * len(explanation.tokens)
    for name, (start, end) in explanation.segments.items():
        names[start:end] = [name] * (end - start)
    return names


def test_twelve_megapixel_photo(pipe, tmp_path):
    path = tmp_path / "phone.jpg"
    Image.new("RGB", (4000, 3000), (120, 90, 60)).save(path, quality=85)
    assert pipe.predict(text="is this in stock?", image=path).image_kind is not None


@pytest.mark.parametrize("kwargs,message", [
    ({}, "Please type a message"), ({"text": "   "}, "Please type a message"),
    ({"text": "x" * 100_000}, "limit"),
])
def test_bad_requests_raise_clear_errors(pipe, kwargs, message):
    with pytest.raises(InputError, match=message):
        pipe.predict(**kwargs)


def test_bad_media_raise_clear_errors(pipe, tmp_path):
    bad = tmp_path / "fake.png"
    bad.write_text("not a picture")
    with pytest.raises(InputError, match="not an image"):
        pipe.predict(text="help", image=bad)
    silent = tmp_path / "silence.wav"
    import soundfile as sf
    sf.write(silent, np.zeros(32000), 16000)
    with pytest.raises(InputError, match="silent"):
        pipe.predict(audio=silent)


def test_control_characters_are_neutralised(pipe):
    pred = pipe.predict(text="where\x00 is\x07 my order \u202eA-20931")
    assert "\x00" not in pred.text_used and pred.intent in INTENTS


def test_thread_budget_gives_one_thread_each_while_requests_overlap():
    import threading

    import torch

    from mmdemo.inference import ThreadBudget

    before = torch.get_num_threads()
    budget = ThreadBudget(alone=2)
    inside, leave = threading.Event(), threading.Event()
    seen = {}

    def first():
        with budget() as n:
            seen["first"] = (n, torch.get_num_threads())
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=first)
    t.start()
    inside.wait(10)
    with budget() as n:                  # a second request while the first one runs
        seen["second"] = (n, torch.get_num_threads())
    leave.set()
    t.join()
    with budget() as n:                  # alone again
        seen["third"] = (n, torch.get_num_threads())
    torch.set_num_threads(before)
    assert seen == {"first": (2, 2), "second": (1, 1), "third": (2, 2)}


def test_checkpoints_share_one_image_size(tmp_path):
    """The strategies share one image encoder, so checkpoints trained at different input sizes are refused."""
    from mmdemo.configs import tiny_config
    from mmdemo.model import MultimodalModel

    MultimodalModel(tiny_config("early", image_size=224)).save_pretrained(tmp_path / "early")
    MultimodalModel(tiny_config("attention", image_size=320)).save_pretrained(tmp_path / "attention")
    with pytest.raises(ValueError, match="different image sizes"):
        Pipeline.load(tmp_path, fusions=("early", "attention"), asr=None)


def test_the_serving_encoder_reads_photos_at_the_checkpoints_size(pipe):
    enc = pipe.extractor.image_encoder
    assert enc.size == next(iter(pipe.models.values())).config.image_size and enc.folded


def test_the_serving_text_encoder_is_the_one_the_models_were_trained_on(pipe, tiny_checkpoints):
    """Training records the text adapter (copied beside the checkpoints) and its fingerprint; serving loads it."""
    from mmdemo.encoders import adapter_fingerprint

    configs = {m.config.text_adapter_id for m in pipe.models.values()}
    assert configs == {adapter_fingerprint(tiny_checkpoints / "text_adapter")}
    assert pipe.extractor.text_encoder.adapter_id == configs.pop()


def test_the_serving_image_encoder_is_the_one_the_models_were_trained_on(pipe, tiny_checkpoints):
    """Training records the fine-tuned image top (copied beside the checkpoints); serving loads exactly it."""
    from mmdemo.encoders import image_top_fingerprint

    configs = {m.config.image_top_id for m in pipe.models.values()}
    assert configs == {image_top_fingerprint(tiny_checkpoints / "image_top")}
    assert pipe.extractor.image_encoder.top_id == configs.pop()


def test_a_missing_or_other_image_top_is_refused(tmp_path):
    from mmdemo.configs import tiny_config
    from mmdemo.model import MultimodalModel

    MultimodalModel(tiny_config("early", image_top="image_top", image_top_id="0123456789")) \
        .save_pretrained(tmp_path / "early")
    with pytest.raises(FileNotFoundError, match="image top 0123456789"):
        Pipeline.load(tmp_path, fusions=("early",), asr=None)
    MultimodalModel(tiny_config("attention")).save_pretrained(tmp_path / "attention")
    with pytest.raises(ValueError, match="different image encoders"):
        Pipeline.load(tmp_path, fusions=("early", "attention"), asr=None)


def test_a_missing_or_other_text_adapter_is_refused(tmp_path):
    from mmdemo.configs import tiny_config
    from mmdemo.model import MultimodalModel

    MultimodalModel(tiny_config("early", text_adapter="text_adapter", text_adapter_id="0123456789")) \
        .save_pretrained(tmp_path / "early")
    with pytest.raises(FileNotFoundError, match="text adapter 0123456789"):
        Pipeline.load(tmp_path, fusions=("early",), asr=None)
    MultimodalModel(tiny_config("attention")).save_pretrained(tmp_path / "attention")
    with pytest.raises(ValueError, match="different text encoders"):
        Pipeline.load(tmp_path, fusions=("early", "attention"), asr=None)


def test_the_typed_text_not_the_transcript_gives_the_surface_cues(pipe, sample_paths):
    """The tone head's surface cues (capitals, emoji) come from what was typed; a transcript has none."""
    from mmdemo.encoders import surface_cues

    image, audio = sample_paths
    typed = pipe.prepare(text="WHERE is my parcel \U0001F621", image=image)
    assert typed.features["text_cues"] == surface_cues("WHERE is my parcel \U0001F621")
    assert typed.features["text_cues"][0] > 0 and typed.features["text_cues"][2] > 0
    assert pipe.prepare(audio=audio).features["text_cues"] is None
    assert pipe.model_inputs(pipe.prepare(audio=audio)).text_cues is None
