"""The label space of the assistant: one source of truth for intents, image kinds, tones and rules.

Everything that names a label (data builder, model heads, evaluator, dialogue, UI) imports it from here,
so adding an intent is a one-line change that the rest of the code follows.
"""
from __future__ import annotations

INTENTS: tuple[str, ...] = (
    "greeting",           # hello, thanks, bye
    "order_status",       # where is my order, tracking, delivery time
    "cancel_order",
    "change_address",     # delivery address
    "return_refund",      # return an unwanted, intact item; money back
    "damaged_item",       # arrived broken, cracked, dented, defective on arrival
    "wrong_item",         # received a different item than ordered
    "payment_issue",      # double or unexpected charge, failed payment
    "invoice_request",    # invoice, receipt or VAT copy
    "account_access",     # login, password reset, locked account, 2FA
    "technical_support",  # device or app malfunction, error message, setup
    "product_question",   # specs, compatibility, stock, price
    "human_agent",        # wants a person, complaint escalation
    "out_of_scope",       # unrelated to shopping support
)

INTENT_DESCRIPTIONS: dict[str, str] = {
    "greeting": "Greeting, thanks or goodbye",
    "order_status": "Where is my order / tracking / delivery time",
    "cancel_order": "Cancel an order",
    "change_address": "Change the delivery address",
    "return_refund": "Return an unwanted item, get money back",
    "damaged_item": "Item arrived broken or defective",
    "wrong_item": "Received a different item than ordered",
    "payment_issue": "Double, unexpected or failed payment",
    "invoice_request": "Invoice, receipt or VAT copy",
    "account_access": "Login, password reset, locked account, 2FA",
    "technical_support": "Device or app malfunction, error message, setup",
    "product_question": "Specs, compatibility, stock or price",
    "human_agent": "Wants a person / escalation",
    "out_of_scope": "Not about shopping support",
}

IMAGE_KINDS: tuple[str, ...] = ("receipt", "error_screen", "product", "damaged_product", "parcel", "other")
NO_IMAGE = "none"
IMAGE_KIND_LABELS: tuple[str, ...] = IMAGE_KINDS + (NO_IMAGE,)  # the image-kind head predicts these 7

TONES: tuple[str, ...] = ("calm", "frustrated")

# R1: a text that only points at the attachment takes its intent from the image kind.
R1_INTENT_FROM_IMAGE: dict[str, str] = {
    "receipt": "payment_issue",
    "error_screen": "technical_support",
    "damaged_product": "damaged_item",
    "product": "product_question",
    "parcel": "order_status",
    "other": "out_of_scope",
}
# R3: "this is what arrived" + damaged product -> damaged_item, + intact product -> wrong_item.
R3_INTENT_FROM_IMAGE: dict[str, str] = {"damaged_product": "damaged_item", "product": "wrong_item"}

RULES: tuple[str, ...] = ("R1", "R3", "explicit", "voice")

MODALITIES: tuple[str, ...] = ("text", "image", "audio")
# The modality mixes the data builder produces and the evaluator reports on.
MODALITY_MIXES: tuple[str, ...] = ("text", "text+image", "image", "audio", "image+audio", "text+audio")

INTENT_TO_ID = {name: i for i, name in enumerate(INTENTS)}
IMAGE_KIND_TO_ID = {name: i for i, name in enumerate(IMAGE_KIND_LABELS)}
TONE_TO_ID = {name: i for i, name in enumerate(TONES)}


def modality_mix(text: str | None, image: object | None, audio: object | None) -> str:
    """Name the mix of modalities present in one request, e.g. 'text+image' (empty text counts as absent)."""
    parts = [name for name, present in (("text", bool(text and text.strip())), ("image", image is not None),
                                        ("audio", audio is not None)) if present]
    return "+".join(parts) if parts else "empty"
