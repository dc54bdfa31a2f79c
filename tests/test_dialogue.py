"""The support agent's policy, with hand-made predictions (no trained checkpoints needed)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mmdemo.dialogue import (ACTIONS, Conversation, KnowledgeBase, SupportAgent, Turn, Understanding, extract_slots,
                             sanitize, unsupported_language)
from mmdemo.inference import Prediction
from mmdemo.media import InputError
from mmdemo.schema import INTENTS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assets" / "examples"


def pred(intent: str, conf: float = 0.9, second: str | None = None, second_p: float | None = None,
         image_kind: str | None = None, frustrated: float = 0.05, transcript: str | None = None) -> Prediction:
    """A Prediction as the pipeline would return it, with the probabilities we choose."""
    probs = {intent: conf}
    rest = 1.0 - conf
    if second:
        probs[second] = second_p if second_p is not None else rest * 0.8
        rest -= probs[second]
    others = [i for i in INTENTS if i not in probs]
    for name in others:
        probs[name] = max(rest, 0.0) / len(others)
    probs = dict(sorted(probs.items(), key=lambda kv: -kv[1]))
    kinds = {image_kind: 0.9} if image_kind else {}
    return Prediction(intent=intent, confidence=conf, intent_probs=probs, image_kind=image_kind,
                      image_kind_probs=kinds, tone="frustrated" if frustrated >= 0.5 else "calm",
                      tone_probs={"calm": 1 - frustrated, "frustrated": frustrated}, transcript=transcript,
                      text_used=transcript or "", fusion="attention", modality_mix="text", latency_ms=12.5)


@pytest.fixture(scope="module")
def agent() -> SupportAgent:
    return SupportAgent(pipeline=None, use_ocr=True)


def test_knowledge_base_covers_every_intent():
    kb = KnowledgeBase.load()
    for intent in INTENTS:
        entry = kb.entry(intent)
        assert entry["label"] and entry["answer"] and entry["short"], intent
        for slot in entry.get("needs", []):
            assert entry["follow_up"][slot], (intent, slot)
    for slot_intent in ("order_status", "cancel_order", "change_address", "wrong_item", "damaged_item",
                        "invoice_request"):
        assert kb.entry(slot_intent)["needs"] == ["order"]


def test_follow_up_then_answer_with_the_slot_given_next_turn(agent):
    conv = Conversation()
    t1 = agent.respond(conv, "where is my order?", pred("order_status", 0.93), {})
    assert t1.action == "follow_up"
    assert "order number" in t1.reply.lower()
    assert conv.pending == {"intent": "order_status", "needs": "order"}
    # a bare detail the model would call something else still answers the pending question
    t2 = agent.respond(conv, "it's A-20931", pred("out_of_scope", 0.55), {})
    assert t2.action == "answer"
    assert "A-20931" in t2.reply and "Orders › Track" in t2.reply
    assert conv.pending is None
    assert [t.index for t in conv.turns] == [1, 2]


def test_bare_number_counts_as_order_only_when_asked(agent):
    conv = Conversation()
    agent.respond(conv, "I need an invoice", pred("invoice_request"), {})
    t = agent.respond(conv, "88412", pred("greeting", 0.4), {})
    assert t.action == "answer" and "88412" in t.reply and "Invoice" in t.reply
    assert extract_slots("88412") == {}


def test_slots_are_remembered_across_turns(agent):
    conv = Conversation()
    agent.respond(conv, "my order is BX77120 and it hasn't come", pred("order_status"), {})
    assert conv.slots["order"] == "BX77120"
    t = agent.respond(conv, "actually please cancel it", pred("cancel_order"), {})
    assert t.action == "answer" and "BX77120" in t.reply
    t = agent.respond(conv, "and I need the invoice", pred("invoice_request"), {})
    assert t.action == "answer" and "BX77120" in t.reply


def test_unanswered_follow_up_is_not_asked_twice(agent):
    conv = Conversation()
    agent.respond(conv, "can I cancel?", pred("cancel_order"), {})
    t = agent.respond(conv, "I don't have it", pred("out_of_scope", 0.35), {})
    assert t.action == "answer" and "until they're dispatched" in t.reply


def test_new_clear_request_replaces_a_pending_question(agent):
    conv = Conversation()
    agent.respond(conv, "where's my parcel", pred("order_status"), {})
    t = agent.respond(conv, "forget that, I can't log in to my account", pred("account_access", 0.95), {})
    assert t.action == "answer" and "30 minutes" in t.reply
    assert conv.pending is None


def test_clarify_offers_the_top_two_in_plain_words(agent):
    kb = agent.kb
    conv = Conversation()
    t = agent.respond(conv, "about my order", pred("order_status", 0.32, "cancel_order", 0.30), {})
    assert t.action == "clarify"
    assert kb.label("order_status") in t.reply and kb.label("cancel_order") in t.reply
    assert "order_status" not in t.reply and "cancel_order" not in t.reply
    assert t.reply.count("?") >= 1
    t2 = agent.respond(conv, "the second one", pred("out_of_scope", 0.3), {})
    assert t2.action == "follow_up" and conv.pending["intent"] == "cancel_order"


def test_clarify_not_used_at_or_above_threshold():
    agent = SupportAgent(clarify_below=0.3)
    t = agent.respond(Conversation(), "hmm my refund", pred("return_refund", 0.35, "payment_issue"), {})
    assert t.action == "answer"


def test_handoff_on_frustrated_tone_still_answers(agent):
    conv = Conversation()
    t = agent.respond(conv, "My order A-20931 arrived smashed, this is a disgrace!",
                      pred("damaged_item", 0.9, frustrated=0.85), {})
    assert t.action == "handoff" and conv.handed_off
    assert conv.reference in t.reply
    assert "replacement" in t.reply.lower()          # the short answer comes along
    assert "sorry" in t.reply.lower()
    t2 = agent.respond(conv, "hurry up", pred("damaged_item", 0.8, frustrated=0.9), {})
    assert t2.action == "handoff" and "already" in t2.reply


def test_handoff_on_human_agent_request(agent):
    conv = Conversation()
    t = agent.respond(conv, "can I talk to a real person", pred("human_agent", 0.9), {})
    assert t.action == "handoff" and conv.handed_off and conv.reference in t.reply
    assert "order number" in t.reply.lower()          # asked for, to help the colleague


def test_no_handoff_below_tone_threshold(agent):
    from mmdemo.dialogue import HANDOFF_TONE_P

    below = HANDOFF_TONE_P - 0.05
    t = agent.respond(Conversation(), "where is my order A-20931", pred("order_status", frustrated=below), {})
    assert t.action == "answer"
    t = agent.respond(Conversation(), "where is my order A-20931", pred("order_status", frustrated=HANDOFF_TONE_P), {})
    assert t.action == "handoff"


def test_photo_alone_never_triggers_a_tone_handoff(agent):
    """No words and no voice: whatever the tone head says, there is no tone to hear."""
    t = agent.respond(Conversation(), "", pred("order_status", 0.95, frustrated=0.9), {"order": "A-48066"})
    assert t.action != "handoff"


def test_unrelated_photo(agent):
    t = agent.respond(Conversation(), "", pred("out_of_scope", 0.8, image_kind="other"), {})
    assert t.action == "unrelated_photo" and "orders" in t.reply
    t = agent.respond(Conversation(), "look at my cat", pred("out_of_scope", 0.9, image_kind="other"), {})
    assert t.action == "unrelated_photo"
    # an unrelated photo with a real question: answer the question
    t = agent.respond(Conversation(), "how do I reset my password", pred("account_access", image_kind="other"), {})
    assert t.action == "answer"


@pytest.mark.parametrize("text,lang", [("我的订单在哪里", "Chinese"), ("Где мой заказ?", "Russian"),
                                       ("أين طلبي؟", "Arabic"), ("注文はどこですか", "Japanese"),
                                       ("¿Dónde está mi pedido?", "Spanish")])
def test_unsupported_language(text, lang):
    assert unsupported_language(text) == lang


@pytest.mark.parametrize("text", ["Where is my order? 😊", "I love my café au lait machine", "hello",
                                  "Is the Le Creuset pan in stock?", "My Zephyr 5 tablet shows E-402",
                                  "naïve question: does the kettle fit 1.7 l?", "Where is my 订单?", ""])
def test_english_is_supported(text):
    assert unsupported_language(text) is None


class _Stub:
    """A pipeline stand-in: returns a fixed prediction or raises."""

    def __init__(self, prediction=None, error: Exception | None = None):
        self.prediction, self.error, self.calls = prediction, error, 0

    def predict(self, text=None, image=None, audio=None, fusion="attention", explain=False):
        self.calls += 1
        if self.error:
            raise self.error
        return self.prediction


def test_chinese_gets_language_notice_and_no_intent():
    stub = _Stub(pred("order_status", 0.99))
    agent = SupportAgent(pipeline=stub)
    conv = Conversation()
    t = agent.handle(conv, "我的订单在哪里")
    assert t.action == "language_notice" and "English" in t.reply and "Chinese" in t.reply
    assert t.understanding is None and stub.calls == 0
    # also in the policy alone, whatever the model said
    t = agent.respond(conv, "我的订单在哪里", pred("order_status", 0.99), {})
    assert t.action == "language_notice" and t.understanding is None
    assert "Orders › Track" not in t.reply


def test_ocr_fields_appear_in_the_reply(agent):
    t = agent.respond(Conversation(), "", pred("order_status", image_kind="parcel"),
                      {"order": "A-20931", "text": "ORDER A-20931"})
    assert t.action == "answer" and "A-20931" in t.reply and "label" in t.reply
    conv = Conversation()
    t = agent.respond(conv, "I was charged twice", pred("payment_issue", image_kind="receipt"),
                      {"amount": "49.99", "currency": "£", "date": "2026-03-14"})
    assert "receipt" in t.reply and "£49.99" in t.reply and "14 March 2026" in t.reply
    assert t.understanding.ocr["amount"] == "49.99" and conv.slots["amount"] == "49.99"
    t = agent.respond(Conversation(), "", pred("technical_support", image_kind="error_screen"),
                      {"error_code": "E-402"})
    assert "E-402" in t.reply and "screen" in t.reply


def test_parcel_without_readable_order_asks_for_it(agent):
    t = agent.respond(Conversation(), "", pred("order_status", image_kind="parcel"), {})
    assert t.action == "follow_up" and "couldn't quite read" in t.reply


NASTY = ("<script>alert('x')</script> my <b>Aurora X2 phone</b> order A-20931 [click](javascript:alert(1)) "
         "![img](http://evil.example/x.png) `rm -rf` please change my address to 12 <i>Baker</i> Street, London "
         "email me at x<y>@evil.com")


@pytest.mark.parametrize("intent", [i for i in INTENTS])
def test_user_markup_never_comes_back_unescaped(intent):
    agent = SupportAgent()
    conv = Conversation()
    turns = [agent.respond(conv, NASTY, pred(intent), {"order": "<img src=x onerror=alert(1)>", "text": "<b>"}),
             agent.respond(conv, NASTY, pred(intent, 0.2, "order_status"), {}),
             agent.respond(conv, NASTY, pred(intent, frustrated=0.95), {})]
    for t in turns:
        assert not re.search(r"[<>`]|\]\(|!\[|javascript:|http", t.reply), t.reply
    for value in conv.slots.values():
        assert not re.search(r"[<>`\[\]()]", value)


def test_sanitize():
    assert sanitize("<b>hi</b> [x](http://a.b) `c` (d)") == "hi x c d"
    assert len(sanitize("a" * 500)) <= 83


def test_greetings(agent):
    assert "welcome" in agent.respond(Conversation(), "hi there", pred("greeting"), {}).reply.lower()
    assert "welcome" in agent.respond(Conversation(), "thanks a lot", pred("greeting"), {}).reply.lower()
    assert "lovely day" in agent.respond(Conversation(), "ok bye", pred("greeting"), {}).reply.lower()


def test_out_of_scope_redirects_politely(agent):
    t = agent.respond(Conversation(), "what's the weather tomorrow", pred("out_of_scope"), {})
    assert t.action == "answer" and "orders" in t.reply


def test_voice_transcript_is_used_for_slots(agent):
    conv = Conversation()
    t = agent.respond(conv, "", pred("cancel_order", transcript="hi, I'd like to cancel order A 2 0 9 3 1"), {})
    assert t.action == "answer" and "A-20931" in t.reply
    assert t.understanding.transcript.startswith("hi")


def test_every_action_is_known_and_replies_are_short(agent):
    conv = Conversation()
    for intent in INTENTS:
        t = agent.respond(conv, "hello", pred(intent), {})
        assert t.action in ACTIONS
        assert 20 < len(t.reply) < 1200


def test_to_json_round_trip_has_per_turn_understanding(agent):
    conv = Conversation()
    agent.respond(conv, "where is my order?", pred("order_status"), {})
    agent.respond(conv, "", pred("order_status", image_kind="parcel"), {"order": "A-20931", "text": "ORDER A-20931"})
    t = agent.handle(conv, "我的订单在哪里")
    assert t.action == "language_notice"
    data = json.loads(conv.to_json())
    assert len(data["turns"]) == 3 and data["reference"] == conv.reference
    first = data["turns"][0]
    for key in ("intent", "confidence", "top", "image_kind", "tone", "tone_frustrated_p", "transcript", "fusion",
                "slots", "ocr"):
        assert key in first["understanding"]
    assert first["understanding"]["intent"] == "order_status" and first["action"] == "follow_up"
    assert data["turns"][1]["understanding"]["image_kind"] == "parcel"
    assert data["turns"][1]["understanding"]["slots"]["order"] == "A-20931"
    assert data["slots"]["order"] == "A-20931"
    back = Conversation.from_json(conv.to_json())
    assert back.to_dict() == conv.to_dict()
    assert isinstance(back.turns[0].understanding, Understanding) and isinstance(back.turns[0], Turn)


def test_handle_turns_input_errors_into_a_turn():
    agent = SupportAgent(pipeline=_Stub(error=InputError("That image is only 1x1 pixels, too small to see anything.")))
    conv = Conversation()
    t = agent.handle(conv, "look", image="/tmp/tiny.png")
    assert t.action == "input_error" and "too small" in t.reply and t.error
    assert conv.turns == [t] and t.image == "/tmp/tiny.png"
    t = SupportAgent(pipeline=_Stub(error=InputError("The file '<b>[x](http://e.vil)</b>.png' could not be found."))
                     ).handle(conv, "look", image="/tmp/x.png")
    assert t.action == "input_error" and not re.search(r"[<>\[\]]|://", t.reply) and "could not be found" in t.reply
    t = SupportAgent(pipeline=_Stub(error=RuntimeError("boom"))).handle(conv, "hello")
    assert t.action == "input_error" and "boom" not in t.reply and t.index == 3


def test_handle_runs_the_policy_and_records_media_names():
    stub = _Stub(pred("damaged_item", image_kind="damaged_product"))
    conv = Conversation()
    t = SupportAgent(pipeline=stub, use_ocr=False).handle(conv, "this is what arrived", image="/x/photo.jpg")
    assert stub.calls == 1 and t.action == "follow_up" and conv.turns == [t]
    assert t.image == "/x/photo.jpg" and t.to_dict()["image"] == "photo.jpg"


@pytest.mark.parametrize("text,expected", [
    ("where is my order A-20931?", {"order": "A-20931"}),
    ("order #88412 hasn't arrived", {"order": "88412"}),
    ("it's 5521-884", {"order": "5521-884"}),
    ("BX77120", {"order": "BX77120"}),
    ("my order number is 88412", {"order": "88412"}),
    ("ORD-123456 please", {"order": "ORD-123456"}),
    ("um, my order is A 2 0 9 3 1", {"order": "A-20931"}),
    ("I was charged £49.99 twice on 14 March 2026", {"amount": "49.99", "currency": "£", "date": "2026-03-14"}),
    ("they took $120 on 2026-03-14", {"amount": "120", "currency": "$", "date": "2026-03-14"}),
    ("15,50 EUR went out yesterday", {"amount": "15.50", "currency": "€"}),
    ("it was 49 pounds 99", {"amount": "49.99", "currency": "£"}),
    ("paid on 14/03/2026", {"date": "2026-03-14"}),
    ("my email is jo.smith@example.com", {"email": "jo.smith@example.com"}),
    ("My Aurora X2 phone is broken", {"product": "Aurora X2 phone"}),
    ("the wireless headphones don't charge", {"product": "wireless headphones"}),
    ("please change my address to 12 Baker Street, London NW1 6XE", {"address": "12 Baker Street, London NW1 6XE"}),
    ("my new address is Flat 3, 10 High St, Leeds", {"address": "Flat 3, 10 High St, Leeds"}),
    ("the app says error code E-402", {"error_code": "E-402"}),
    ("I want to return 2 items", {}),
    ("I want to talk to someone", {}),
    ("hello", {}),
])
def test_extract_slots(text, expected):
    assert extract_slots(text) == expected


@pytest.mark.skipif(not (ROOT / "assets" / "checkpoints" / "attention" / "config.json").exists()
                    or not (EXAMPLES / "examples.json").exists(), reason="no trained checkpoint or examples")
def test_end_to_end_with_the_trained_pipeline():
    from mmdemo.inference import Pipeline
    pipe = Pipeline.load(fusions=("attention",), asr=None)
    agent = SupportAgent(pipeline=pipe)
    examples = json.loads((EXAMPLES / "examples.json").read_text())
    ex = next(e for e in examples if e["name"] == "parcel_label")
    conv = Conversation()
    step = ex["turns"][0]
    t = agent.handle(conv, step["text"], image=str(EXAMPLES / step["image"]))
    assert t.action in ACTIONS and t.action != "input_error" and t.understanding is not None
    assert t.understanding.image_kind is not None and t.reply
    t = agent.handle(conv, "where is my order?")
    assert t.understanding.intent is not None


@pytest.mark.skipif(not (EXAMPLES / "receipt.jpg").exists(), reason="examples not generated")
def test_handle_reads_the_receipt_photo_and_quotes_it():
    from mmdemo.ocr import ocr_available
    if not ocr_available():
        pytest.skip("tesseract is not installed")
    stub = _Stub(pred("payment_issue", image_kind="receipt"))
    t = SupportAgent(pipeline=stub).handle(Conversation(), "I was charged twice for this",
                                           image=str(EXAMPLES / "receipt.jpg"))
    assert t.action == "answer" and t.understanding.ocr.get("amount") == "129.73"
    assert "£129.73" in t.reply and "18 February 2025" in t.reply and "receipt" in t.reply


def test_snapshot_shares_answered_turns_and_keeps_its_own_state():
    from mmdemo.dialogue import Conversation, Turn
    conv = Conversation(turns=[Turn(index=1, user_text="hi", image=None, audio=None, understanding=None,
                                    reply="Hello!", action="answer")],
                        slots={"order": "A-20931"}, pending={"intent": "order_status", "needs": "order"})
    snap = conv.snapshot()
    conv.turns.append(Turn(index=2, user_text="x", image=None, audio=None, understanding=None, reply="y",
                           action="answer"))
    conv.slots["order"] = "B-1"
    conv.pending["needs"] = "nothing"
    assert [t.index for t in snap.turns] == [1] and snap.turns[0] is conv.turns[0]
    assert snap.slots == {"order": "A-20931"} and snap.pending == {"intent": "order_status", "needs": "order"}
    assert snap.reference == conv.reference and snap.to_dict()["turns"] == [conv.turns[0].to_dict()]
