"""The manifest format: one JSON object a line.

Required keys: id, text ("" allowed), image (path relative to the manifest's folder, or null), audio (same),
intent. Optional: image_kind, tone, rule, transcript (ASR output, made at build time); other keys are kept
and ignored.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..schema import INTENTS


@dataclass
class Sample:
    id: str
    text: str
    image: Path | None          # absolute (resolved against the manifest folder)
    audio: Path | None
    intent: str
    image_kind: str | None = None
    tone: str | None = None
    rule: str | None = None
    transcript: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def mix(self) -> str:
        from ..schema import modality_mix
        return modality_mix(self.text, self.image, self.audio)


def read_manifest(path: str | Path) -> list[Sample]:
    path = Path(path)
    root = path.parent
    known = {"id", "text", "image", "audio", "intent", "image_kind", "tone", "rule", "transcript"}
    samples = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = {"id", "intent"} - row.keys()
        if missing:
            raise ValueError(f"{path}:{n}: missing keys {sorted(missing)}")
        if row["intent"] not in INTENTS:
            raise ValueError(f"{path}:{n}: unknown intent {row['intent']!r}")
        samples.append(Sample(
            id=str(row["id"]), text=row.get("text") or "",
            image=(root / row["image"]) if row.get("image") else None,
            audio=(root / row["audio"]) if row.get("audio") else None,
            intent=row["intent"], image_kind=row.get("image_kind"), tone=row.get("tone"), rule=row.get("rule"),
            transcript=row.get("transcript"), extra={k: v for k, v in row.items() if k not in known}))
    return samples


def write_manifest(path: str | Path, rows: Iterable[dict]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
