"""Reading the details printed in a customer's photo: order and tracking numbers, amounts, dates, error codes.

    fields = read_fields(pil_image, kind="parcel")   # {"order": "A-20931", "text": "..."} or {} when nothing/no OCR

Tesseract runs on a grey, contrast-stretched copy (dark screens inverted, small images upscaled) in a
subprocess with a hard timeout and a single thread, so a slow or missing OCR never blocks a reply.
`parse_fields` (text -> fields) is separate so it can be tested without tesseract.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, ImageStat

log = logging.getLogger(__name__)

KINDS_WITH_TEXT = ("receipt", "parcel", "error_screen")
MIN_SIDE = 24              # below this there is nothing to read
TARGET_LONG_SIDE = 1200    # small images are upscaled towards this (1600 read no more fields for 40 % more CPU)
MAX_UPSCALE = 3.0
MAX_LONG_SIDE = 2400       # larger images are reduced first (time grows with pixels)
MAX_TEXT_CHARS = 1500      # raw text kept in the result

CURRENCY_WORDS = {"gbp": "£", "eur": "€", "usd": "$", "pounds": "£", "pound": "£", "euros": "€", "euro": "€",
                  "dollars": "$", "dollar": "$"}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")


# ----------------------------------------------------------------------------------------------- tesseract
def _tesseract_cmd() -> str | None:
    try:
        import pytesseract  # the configured binary path, if someone set one
        cmd = pytesseract.pytesseract.tesseract_cmd
    except Exception:  # pragma: no cover - pytesseract is in requirements
        cmd = "tesseract"
    return shutil.which(cmd) or (cmd if os.path.isfile(cmd) else None)


@lru_cache(maxsize=1)
def ocr_available() -> bool:
    """True when a working tesseract with English data is installed."""
    cmd = _tesseract_cmd()
    if not cmd:
        return False
    try:
        out = subprocess.run([cmd, "--list-langs"], capture_output=True, text=True, timeout=10)
    except Exception:
        return False
    return out.returncode == 0 and "eng" in (out.stdout + out.stderr).split()


def skew_angle(grey: Image.Image, max_angle: float = 25.0) -> float:
    """The rotation (degrees, PIL's counter-clockwise) that makes the text lines horizontal.

    Projection profile: the dark pixels of a small copy are rotated through candidate angles, and the angle whose
    row sums change most sharply (crisp text lines with gaps between) wins. About 50-100 ms.
    """
    small = grey.copy()
    small.thumbnail((500, 500))
    a = np.asarray(small, dtype=np.float32)
    if a.size == 0 or a.std() < 1.0:
        return 0.0
    thr = min(float(np.percentile(a, 12)), 128.0)
    ink = Image.fromarray(((a <= thr) * 255).astype(np.uint8))

    def score(angle: float) -> float:
        r = np.asarray(ink.rotate(float(angle), resample=Image.NEAREST, expand=False, fillcolor=0), dtype=np.float32)
        return float(np.sum(np.diff(r.sum(1)) ** 2))

    best = max(np.arange(-max_angle, max_angle + 0.01, 1.0), key=score)
    best = max(np.arange(best - 0.8, best + 0.81, 0.4), key=score)
    return float(best) if abs(best) >= 0.5 else 0.0


def prepare(image: Image.Image, kind: str | None = None) -> Image.Image:
    """Grey, contrast-stretched, resized, deskewed copy that tesseract reads best.

    Screens (kind error_screen or None) that are mostly dark are inverted to dark-on-light first.
    """
    img = image
    if img.mode in ("RGBA", "LA", "P", "PA"):
        img = img.convert("RGBA")
        bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, img)
    grey = img.convert("L")
    long_side = max(grey.size)
    if long_side > MAX_LONG_SIDE:
        scale = MAX_LONG_SIDE / long_side
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))), Image.LANCZOS)
    elif long_side < TARGET_LONG_SIDE:
        scale = min(MAX_UPSCALE, TARGET_LONG_SIDE / long_side)
        if scale > 1.05:
            grey = grey.resize((round(grey.width * scale), round(grey.height * scale)), Image.LANCZOS)
    if kind in (None, "error_screen") and ImageStat.Stat(grey).mean[0] < 100:  # light text on a dark screen
        grey = ImageOps.invert(grey)
    grey = ImageOps.autocontrast(grey, cutoff=1)
    angle = skew_angle(grey)
    if angle:
        grey = grey.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    return grey


# Tesseract page segmentation modes tried in turn until one reads a field: 6 = one uniform block of text. A second
# pass with 3 (automatic layout) after a pass that read nothing found 2 more key fields in 90 rendered labels,
# receipts and screens (49 v 47) but doubled the CPU of every photo with nothing to read, the slowest turns under load.
PASSES = (6,)


def _run_tesseract(img: Image.Image, timeout_s: float, psm: int = 3) -> str:
    cmd = _tesseract_cmd()
    if not cmd:
        return ""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # tesseract's OpenMP threads only fight over a small CPU
    with tempfile.TemporaryDirectory(prefix="mmdemo-ocr-") as tmp:
        path = Path(tmp) / "in.pgm"   # uncompressed: writing a PNG cost 130 ms of CPU, more than a third of OCR
        img.convert("L").save(path)
        try:
            out = subprocess.run([cmd, str(path), "stdout", "-l", "eng", "--psm", str(psm)], capture_output=True,
                                 timeout=max(0.1, timeout_s), env=env)
        except subprocess.TimeoutExpired:
            log.info("tesseract timed out after %.1f s", timeout_s)
            return ""
    if out.returncode != 0:
        log.info("tesseract failed: %s", out.stderr.decode("utf-8", "replace")[:200])
        return ""
    return out.stdout.decode("utf-8", "replace")


def read_fields(image: Image.Image, kind: str | None, timeout_s: float = 3.0) -> dict:
    """OCR the image and return the fields found: order, tracking, amount, currency, date, error_code, text.

    Only keys that were found; {} when tesseract is missing, times out, reads nothing or the image is unusable.
    Tesseract runs once per mode in PASSES, while time is left, until a mode reads a field. Never raises.
    """
    try:
        if image is None or not ocr_available():
            return {}
        if min(image.size) < MIN_SIDE:
            return {}
        if ImageStat.Stat(image.convert("L")).stddev[0] < 2.0:   # a blank picture holds no text
            return {}
        deadline = time.monotonic() + timeout_s
        img = prepare(image, kind)
        for psm in PASSES:
            left = deadline - time.monotonic()
            if left < 0.3:
                break
            fields = parse_fields(_run_tesseract(img, left, psm), kind)
            if fields:
                return fields
        return {}
    except Exception:  # a bad image, a broken install: OCR is a bonus, never a failure
        log.exception("OCR failed")
        return {}


# ----------------------------------------------------------------------------------------------- parsing
_ORDER_KEYED = re.compile(
    r"\b(?P<key>order|ord|purchase|ref(?:erence)?)\b\s*(?:number|num|no|nr|id|ref|#)?\s*[.:#,]*\s*(?:is\s+)?"
    r"#?\s*(?P<tok>[A-Z0-9][A-Z0-9-]{2,15}[0-9])\b", re.I)
_ORDER_HASH = re.compile(r"(?<![\w#])#\s?([A-Z]{0,3}-?\d{5,10})\b", re.I)
_ORDER_SHAPES = (
    re.compile(r"(?<![\w-])([A-Z]{1,3}-\d{4,8})(?![\w-])", re.I),    # A-20931, ORD-123456
    re.compile(r"(?<![\w-])([A-Z]{2,3}\d{4,8})(?![\w-])", re.I),     # BX77120
    re.compile(r"(?<![\w-])(\d{4}-\d{3,4})(?![\w-])"),               # 5521-884
)
_NOT_ORDER_PREFIX = re.compile(r"^(?:E|ERR|PAY|AUTH|INV|VAT|TEL|NO|REF|UNIT|FLAT)-?\d", re.I)
_TRACKING_KEYED = re.compile(
    r"\b(?i:tracking|track|trk|consignment|parcel)\b\s*(?i:number|num|no|nr|id|code|#)?\s*[.:#]*\s*"
    r"([A-Z0-9]{8,30}|[A-Z]{0,3}\d{2,6}(?: \d{2,6}){1,6}(?: ?[A-Z]{2})?)\b")
_TRACKING_SHAPES = (
    re.compile(r"\b([A-Z]{2}\s?\d{3}\s?\d{3}\s?\d{3}\s?[A-Z]{2})\b"),   # UPU S10: RR123456789GB
    re.compile(r"\b(1Z[0-9A-Z]{16})\b"),                             # UPS
    re.compile(r"(?<![\d ])(\d{4} \d{4} \d{4})(?![\d ]?\d)"),        # 1234 5678 9012
)
_AMOUNT_NUM = r"(\d{1,3}(?:[,.]\d{3})+(?:[.,]\d{2})?|\d+(?:[.,]\d{1,2})?)"
_AMOUNT_SYMBOL = re.compile(r"([£$€])\s?" + _AMOUNT_NUM + r"(?!\d)")
_AMOUNT_CODE_BEFORE = re.compile(r"\b(GBP|EUR|USD)\s?" + _AMOUNT_NUM + r"(?!\d)", re.I)
_AMOUNT_CODE_AFTER = re.compile(r"(?<![\d.,])" + _AMOUNT_NUM + r"\s?(GBP|EUR|USD|euros?|pounds?|dollars?)\b", re.I)
_DECIMAL = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})*\.\d{2}|\d+,\d{2})(?![\d.,]?\d)")
_TOTAL_LINE = re.compile(r"\b(?:grand\s+total|total(?:\s+paid|\s+due|\s+charged)?|amount\s+(?:paid|charged|due)|"
                         r"balance\s+due|card\s+payment|contactless|visa(?:\s+debit)?|mastercard|amex)\b", re.I)
_SUBTOTAL = re.compile(r"\bsub\s*-?\s*total\b|\bvat\b|\btax\b|\bgst\b|\bmwst\b|\btva\b|\bchange\b|\bdiscount\b|"
                       r"\btip\b|\bservice\b", re.I)
_STATEMENT = re.compile(r"\bstatement\b|\bpaid\s+out\b|\bpaid\s+in\b", re.I)
_CARD_LINE = re.compile(r"\b(?:card\s+payment|payment\s+to|pos\b|purchase|visa|contactless)", re.I)
_DATE_ISO = re.compile(r"\b(20\d{2})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_DATE_DMY = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](20\d{2}|\d{2})\b")
_DATE_D_MON = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,9})\.?,?"
                         r"(?:\s*(20\d{2})\b|\s+(\d{2})(?![\d:.,]))?")
_DATE_MON_D = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(20\d{2})\b)?")
_ERROR_PATTERNS = (   # in order of preference; group 1 is the code
    re.compile(r"\b(?i:stop\s*code|error\s*code|error|code|status)\s*[:#]?\s*([A-Z][A-Z0-9]*(?:_[A-Z0-9]+){1,8})\b"),
    re.compile(r"\b([0O][xX][0-9A-F]{8})\b"),
    re.compile(r"\b((?:E|ERR|ERROR)[-_ ]?\d{2,5})\b"),
    re.compile(r"\b([A-Z]{2,5}[-_]\d{2,5})\b"),
    re.compile(r"\b(?i:error\s*code|error|code|status)\s*[:#]?\s*(\d{3,5})\b"),
    re.compile(r"\b(E(?:ACCES|NOENT|TIMEDOUT|CONNREFUSED|CONNRESET|PERM|NOSPC|ADDRINUSE|PIPE|HOSTUNREACH|"
               r"NETUNREACH|AGAIN|EXIST|NOMEM|IO)|SIG(?:SEGV|ABRT|KILL|TERM|BUS|FPE|ILL))\b"),
    re.compile(r"\b([A-Z]{2,}(?:_[A-Z0-9]{2,}){1,8})\b"),
    re.compile(r"(?m)^\s*([45]\d\d)\s*$"),
    re.compile(r"\b([45]\d\d)\b(?=\W{0,4}(?i:internal|not\s+found|forbidden|bad\s+gateway|service\s+unavailable|"
               r"unauthori[sz]ed|gateway|bad\s+request|access\s+denied|too\s+many))"),
)


def _clean_ocr(text: str) -> str:
    text = text.replace("\u2014", "-").replace("\u2013", "-").replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"[ \t]+", " ", text)


def normalise_order(token: str) -> str | None:
    """'#a-20931' -> 'A-20931'; None when the token is not a plausible order number."""
    tok = token.strip().lstrip("#").strip().upper()
    tok = re.sub(r"\s+", "", tok)
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{2,16}", tok):
        return None
    digits = sum(ch.isdigit() for ch in tok)
    if digits < 3 or _DATE_ISO.fullmatch(tok) or _DATE_DMY.fullmatch(tok):
        return None
    return tok


def normalise_amount(number: str) -> str:
    """'1,234.50' -> '1234.50', '15,50' -> '15.50', '120' -> '120'."""
    n = number.strip()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?", n):
        n = n.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", n):
        n = n.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+,\d{1,2}", n):
        n = n.replace(",", ".")
    if re.fullmatch(r"\d+\.\d", n):
        n += "0"
    return n


def _valid_date(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _month(word: str) -> int | None:
    """'March' / 'mar' / 'Sept' -> 3 / 3 / 9; None for other words."""
    w = word.lower().rstrip(".")
    for i, name in enumerate(MONTH_NAMES):
        if w in (name.lower(), name[:3].lower()) or (w == "sept" and i == 8):
            return i + 1
    return None


def find_dates(text: str, us_first: bool = False) -> list[str]:
    """Every explicit date in the text, in order, as ISO 'YYYY-MM-DD' (or '--MM-DD' when no year is given).

    Numeric dates are read day first (a UK shop) unless us_first; the other order is the fallback.
    """
    found: list[tuple[int, str]] = []

    def add(pos: int, y: int | None, mon: int, day: int) -> None:
        iso = _valid_date(y, mon, day) if y else (f"--{mon:02d}-{day:02d}" if _valid_date(2024, mon, day) else None)
        if iso:
            found.append((pos, iso))

    for m in _DATE_ISO.finditer(text):
        add(m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for m in _DATE_DMY.finditer(text):
        y = int(m.group(3))
        y = y + 2000 if y < 100 else y
        a, b = int(m.group(1)), int(m.group(2))
        first, second = ((a, b), (b, a)) if us_first else ((b, a), (a, b))   # (month, day)
        if _valid_date(y, *first):
            add(m.start(), y, *first)
        elif _valid_date(y, *second):
            add(m.start(), y, *second)
    for m in _DATE_D_MON.finditer(text):
        mon = _month(m.group(2))
        if mon:
            y = int(m.group(3)) if m.group(3) else (2000 + int(m.group(4)) if m.group(4) else None)
            add(m.start(), y, mon, int(m.group(1)))
    for m in _DATE_MON_D.finditer(text):
        mon = _month(m.group(1))
        if mon:
            add(m.start(), int(m.group(3)) if m.group(3) else None, mon, int(m.group(2)))
    seen, out = set(), []
    for _, iso in sorted(found):
        if iso not in seen:
            seen.add(iso)
            out.append(iso)
    return out


def human_date(iso: str) -> str:
    """'2026-03-14' -> '14 March 2026'; '--03-14' -> '14 March'; anything else unchanged."""
    m = re.fullmatch(r"(\d{4}|-)-(\d{2})-(\d{2})", iso or "")
    if not m:
        return iso
    month = MONTH_NAMES[int(m.group(2)) - 1]
    day = int(m.group(3))
    return f"{day} {month}" + (f" {m.group(1)}" if m.group(1) != "-" else "")


def find_amounts(text: str) -> list[tuple[str, str, int]]:
    """(amount, currency symbol, position) for every money amount with a currency in the text."""
    out = []
    for m in _AMOUNT_SYMBOL.finditer(text):
        out.append((normalise_amount(m.group(2)), m.group(1), m.start()))
    for m in _AMOUNT_CODE_BEFORE.finditer(text):
        out.append((normalise_amount(m.group(2)), CURRENCY_WORDS[m.group(1).lower()], m.start()))
    for m in _AMOUNT_CODE_AFTER.finditer(text):
        out.append((normalise_amount(m.group(1)), CURRENCY_WORDS[m.group(2).lower()], m.start()))
    return sorted(out, key=lambda a: a[2])


def _line_amount(line: str) -> tuple[str, str] | None:
    amounts = find_amounts(line)
    if amounts:
        return amounts[-1][:2]
    m = list(_DECIMAL.finditer(line))   # OCR often drops the currency sign: a bare 12.34
    return (normalise_amount(m[-1].group(1)), "") if m else None


def _receipt_total(text: str) -> tuple[str, str] | None:
    """The total of a receipt: the amount on the last 'total' / card-payment line that isn't a subtotal/VAT line."""
    best, fallback = None, None
    for line in text.splitlines():
        if _TOTAL_LINE.search(line) and not _SUBTOTAL.search(line):
            found = _line_amount(line)
            if found:
                if re.search(r"total", line, re.I):
                    best = found
                else:
                    fallback = fallback or found
    return best or fallback


def _statement_charge(text: str) -> tuple[str, str | None] | None:
    """On a bank statement: a card payment whose amount appears twice (a double charge), with its line's date."""
    seen: dict[str, str] = {}
    for line in text.splitlines():
        if not _CARD_LINE.search(line):
            continue
        m = _DECIMAL.search(line)
        if not m:
            continue
        amount = normalise_amount(m.group(1))
        if amount in seen:
            dates = find_dates(seen[amount]) or find_dates(line)
            return amount, (dates[0] if dates else None)
        seen[amount] = line
    return None


def find_orders(text: str) -> list[str]:
    """Order numbers in the text, best first: after an 'order' keyword, after '#', then by shape."""
    keyed: list[tuple[int, int, str]] = []
    for m in _ORDER_KEYED.finditer(text):
        tok = normalise_order(m.group("tok"))
        if tok and not _NOT_ORDER_PREFIX.match(tok):
            rank = 0 if m.group("key").lower().startswith(("order", "ord", "purchase")) else 2
            keyed.append((rank, m.start(), tok))
    for m in _ORDER_HASH.finditer(text):
        tok = normalise_order(m.group(1))
        if tok:
            keyed.append((1, m.start(), tok))
    for pat in _ORDER_SHAPES:
        for m in pat.finditer(text):
            before = text[max(0, m.start() - 12):m.start()].lower()
            if re.search(r"(error|code|model|err|tel|phone|invoice|inv|vat|no)\W*$", before):
                continue
            tok = normalise_order(m.group(1))
            if tok and not _NOT_ORDER_PREFIX.match(tok) and not any(p.fullmatch(tok) for p in _ERROR_PATTERNS[:4]):
                keyed.append((3, m.start(), tok))
    seen, out = set(), []
    for _, _, tok in sorted(keyed):
        if tok not in seen:
            seen.add(tok)
            out.append(tok)
    return out


def find_error_code(text: str) -> str | None:
    for pat in _ERROR_PATTERNS:
        m = pat.search(text)
        if m:
            code = m.group(1)
            if re.fullmatch(r"[0O][xX][0-9A-Fa-f]{8}", code):
                return "0x" + code[2:].upper()
            return code.upper()
    return None


def parse_fields(text: str, kind: str | None = None) -> dict:
    """Fields found in OCR text. Keys only when found: order, tracking, amount, currency, date, error_code, and
    `text` (the raw text, only when at least one field was found)."""
    text = _clean_ocr(text or "")
    fields: dict[str, str] = {}
    if not text.strip():
        return fields
    tracking = None
    m = _TRACKING_KEYED.search(text)
    if m and sum(ch.isdigit() for ch in m.group(1)) >= 6:
        tracking = re.sub(r"\s+", "", m.group(1)).upper()
    if not tracking and kind in (None, "parcel"):
        for pat in _TRACKING_SHAPES:
            m = pat.search(text)
            if m:
                tracking = re.sub(r"\s+", "", m.group(1)).upper()
                break
    if tracking:
        fields["tracking"] = tracking
    orders = [o for o in find_orders(text) if not tracking or (o != tracking and o not in tracking)]
    if orders and kind != "error_screen":
        fields["order"] = orders[0]

    amounts = find_amounts(text)
    us_first = bool(amounts) and all(cur == "$" for _, cur, _ in amounts)
    charge_date = None
    if kind in (None, "receipt"):
        if _STATEMENT.search(text):   # a bank statement: only a repeated card payment is clearly "the" charge
            statement = _statement_charge(text)
            if statement:
                fields["amount"], charge_date = statement
        else:
            total = _receipt_total(text)
            if total:
                fields["amount"] = total[0]
                if total[1]:
                    fields["currency"] = total[1]
            elif amounts:
                biggest = max(amounts, key=lambda a: float(a[0]))  # no total line: the largest amount is the best guess
                fields["amount"], fields["currency"] = biggest[0], biggest[1]
        if "amount" in fields and "currency" not in fields:
            symbols = {cur for _, cur, _ in amounts}
            if len(symbols) == 1:
                fields["currency"] = symbols.pop()
    dates = [d for d in find_dates(text, us_first) if not d.startswith("--")]
    if _STATEMENT.search(text) and kind in (None, "receipt"):
        dates = []   # a statement's first date is its period, not the charge
    if charge_date or dates:
        fields["date"] = charge_date or dates[0]
    if kind in (None, "error_screen"):
        code = find_error_code(text)
        if code:
            fields["error_code"] = code
    if fields:  # raw text only alongside real fields: noise read off a photo is not worth showing
        fields["text"] = text.strip()[:MAX_TEXT_CHARS]
    return fields
